import { Code } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { encodeEnvelope } from "./connect-envelopes.ts";
import { encodeStreamEnd, readStreamEnd, trailerEnd, type FramedProtocol, type StreamEnd } from "./stream-end.ts";

const text = (flags: number, payload: string) => ({ flags, data: new TextEncoder().encode(payload) });

describe("readStreamEnd", () => {
  const cases: [string, FramedProtocol, { flags: number; data: Uint8Array }, StreamEnd | undefined][] = [
    ["a Connect message", "connect", text(0, '{"id":"1"}'), undefined],
    ["a Connect end without an error", "connect", text(2, "{}"), { code: "ok", message: "" }],
    ["a Connect end, empty", "connect", text(2, ""), { code: "ok", message: "" }],
    ["a Connect end with an error", "connect", text(2, '{"error":{"code":"permission_denied","message":"not yours"}}'), { code: Code.PermissionDenied, message: "not yours" }],
    ["a Connect end with an unknown code", "connect", text(2, '{"error":{"code":"oops"}}'), { code: Code.Unknown, message: "" }],
    ["a Connect end that is not JSON", "connect", text(2, "{"), { code: Code.Internal, message: expect.stringMatching(/not JSON/) }],
    ["a gRPC-Web message", "grpc-web", text(0, "\x08\x01"), undefined],
    ["a gRPC-Web message with Connect's end flag (no trailer)", "grpc-web", text(2, "x"), undefined],
    ["gRPC-Web trailers, ok", "grpc-web", text(0x80, "grpc-status: 0\r\n"), { code: "ok", message: "" }],
    ["gRPC-Web trailers, an error, any case", "grpc-web", text(0x80, "Grpc-Message: caller%20may%20not\r\nGRPC-STATUS:7\r\n"), { code: Code.PermissionDenied, message: "caller may not" }],
    ["gRPC-Web trailers without a status", "grpc-web", text(0x80, "grpc-message: x\r\n"), { code: Code.Internal, message: expect.any(String) }],
    ["gRPC-Web trailers, a status beyond the codes", "grpc-web", text(0x80, "grpc-status: 99\r\n"), { code: Code.Unknown, message: "" }],
    ["gRPC-Web trailers, a message that is not percent-encoding", "grpc-web", text(0x80, "grpc-status: 2\r\ngrpc-message: 100%\r\n"), { code: Code.Unknown, message: "100%" }],
  ];
  it.each(cases)("%s", (_, protocol, envelope, expected) => {
    expect(readStreamEnd(protocol, envelope)).toEqual(expected);
  });
});

describe("encodeStreamEnd", () => {
  const ends: StreamEnd[] = [
    { code: "ok", message: "" },
    { code: Code.Unavailable, message: "the stream broke off; call again" },
    { code: Code.InvalidArgument, message: "héllo: 100% wrong\r\nx-injected: 1" },
  ];
  it.each((["connect", "grpc-web"] as const).flatMap((p) => ends.map((end) => [p, end] as const)))("%s: what readStreamEnd reads back, %o", (protocol, end) => {
    const frame = encodeStreamEnd(protocol, end);
    const length = new DataView(frame.buffer).getUint32(1);
    expect(frame.byteLength).toBe(5 + length);
    expect(readStreamEnd(protocol, { flags: frame[0]!, data: frame.subarray(5) })).toEqual(end);
  });

  it("frames as each protocol does: Connect's end flag and JSON, gRPC-Web's trailer flag and header lines", () => {
    expect(encodeStreamEnd("connect", { code: Code.NotFound, message: "no" })).toEqual(encodeEnvelope(0b10, new TextEncoder().encode('{"error":{"code":"not_found","message":"no"}}')));
    expect(encodeStreamEnd("grpc-web", { code: Code.NotFound, message: "no such" })).toEqual(encodeEnvelope(0x80, new TextEncoder().encode("grpc-status: 5\r\ngrpc-message: no%20such\r\n")));
  });
});

describe("trailerEnd", () => {
  it("reads trailers-only headers the same way as a trailer frame", () => {
    expect(trailerEnd("grpc-status: 16\r\ngrpc-message: sign%20in\r\n")).toEqual({ code: Code.Unauthenticated, message: "sign in" });
  });
});
