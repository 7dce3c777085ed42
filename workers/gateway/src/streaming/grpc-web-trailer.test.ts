import { describe, expect, it } from "vitest";
import { grpcWebTrailerStatus } from "./grpc-web-trailer.ts";

function frame(flags: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + payload.byteLength);
  out[0] = flags;
  new DataView(out.buffer).setUint32(1, payload.byteLength);
  out.set(payload, 5);
  return out;
}
const trailer = (text: string) => frame(0x80, new TextEncoder().encode(text));
const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

describe("grpcWebTrailerStatus", () => {
  it("reads grpc-status from the trailer frame after the messages", () => {
    expect(grpcWebTrailerStatus(concat(frame(0, new Uint8Array([8, 1])), trailer("grpc-status: 0\r\n")))).toBe(0);
    expect(grpcWebTrailerStatus(trailer("grpc-message: no%20way\r\nGrpc-Status:7\r\n"))).toBe(7);
  });

  it("undefined for a body without a whole trailer frame", () => {
    expect(grpcWebTrailerStatus(new Uint8Array(0))).toBeUndefined();
    expect(grpcWebTrailerStatus(frame(0, new Uint8Array([8, 1])))).toBeUndefined();
    expect(grpcWebTrailerStatus(trailer("grpc-status: 7\r\n").subarray(0, 8))).toBeUndefined();
    expect(grpcWebTrailerStatus(trailer("grpc-message: x\r\n"))).toBeUndefined();
  });
});
