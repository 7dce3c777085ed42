import { describe, expect, it } from "vitest";
import { rpcDeadlineMs } from "./rpc-deadline.ts";

const connect = { kind: "connect", binary: false, get: false } as const;
const grpcWeb = { kind: "grpc-web", text: false } as const;

describe("rpcDeadlineMs", () => {
  it("takes the caller's shorter deadline, never a longer one than UPSTREAM_TIMEOUT_MS", () => {
    expect(rpcDeadlineMs(new Headers({ "connect-timeout-ms": "250" }), connect, 3000)).toBe(250);
    expect(rpcDeadlineMs(new Headers({ "connect-timeout-ms": "60000" }), connect, 3000)).toBe(3000);
    expect(rpcDeadlineMs(new Headers({ "grpc-timeout": "2S" }), grpcWeb, 3000)).toBe(2000);
    expect(rpcDeadlineMs(new Headers({ "grpc-timeout": "1H" }), grpcWeb, 3000)).toBe(3000);
    expect(rpcDeadlineMs(new Headers({ "grpc-timeout": "500u" }), grpcWeb, 3000)).toBe(1);
  });

  it("ignores an unreadable or absent value: the edge's own deadline applies", () => {
    for (const value of ["", "-5", "1.5", "12345678901", "abc"]) expect(rpcDeadlineMs(new Headers({ "connect-timeout-ms": value }), connect, 3000)).toBe(3000);
    for (const value of ["5", "123456789S", "5x", "S"]) expect(rpcDeadlineMs(new Headers({ "grpc-timeout": value }), grpcWeb, 3000)).toBe(3000);
    expect(rpcDeadlineMs(new Headers(), grpcWeb, 3000)).toBe(3000);
  });
});
