import { create, toBinary } from "@bufbuild/protobuf";
import { base64Encode } from "@bufbuild/protobuf/wire";
import { GetItemRequestSchema } from "@grpc-edge/proto/orders/v1";
import { describe, expect, it } from "vitest";
import { GatewayError } from "../errors/gateway-error.ts";
import { decodeRpcRequest } from "./decode-rpc-request.ts";
import type { RpcProtocol } from "./rpc-protocol.ts";

const url = "https://edge.test/orders.v1.OrderService/GetItem";
const json: RpcProtocol = { kind: "connect", binary: false, get: false };
const binary: RpcProtocol = { kind: "connect", binary: true, get: false };
const grpcWeb: RpcProtocol = { kind: "grpc-web", text: false };
const grpcWebText: RpcProtocol = { kind: "grpc-web", text: true };
const item7 = toBinary(GetItemRequestSchema, create(GetItemRequestSchema, { id: 7 }));

function envelope(message: Uint8Array, flags = 0): Uint8Array {
  const out = new Uint8Array(5 + message.byteLength);
  out[0] = flags;
  new DataView(out.buffer).setUint32(1, message.byteLength);
  out.set(message, 5);
  return out;
}
const post = (body: BodyInit, headers: Record<string, string> = {}) => new Request(url, { method: "POST", body, headers });
const refusal = async (promise: Promise<unknown>) => {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(GatewayError);
  return { status: (err as GatewayError).type.status, message: (err as GatewayError).message };
};

describe("decodeRpcRequest", () => {
  it("reads the message of each wire form, and keeps the caller's bytes to forward", async () => {
    expect((await decodeRpcRequest(post('{"id":7}'), GetItemRequestSchema, json)).message.id).toBe(7);
    const fromBinary = await decodeRpcRequest(post(item7), GetItemRequestSchema, binary);
    expect([fromBinary.message.id, fromBinary.body]).toEqual([7, item7]);
    const fromGrpcWeb = await decodeRpcRequest(post(envelope(item7)), GetItemRequestSchema, grpcWeb);
    expect([fromGrpcWeb.message.id, fromGrpcWeb.body]).toEqual([7, envelope(item7)]);
    const fromText = await decodeRpcRequest(post(base64Encode(envelope(item7))), GetItemRequestSchema, grpcWebText);
    expect([fromText.message.id, fromText.body]).toEqual([7, envelope(item7)]);
    const get = new Request(`${url}?connect=v1&encoding=json&message=${encodeURIComponent('{"id":7}')}`);
    expect(await decodeRpcRequest(get, GetItemRequestSchema, { kind: "connect", binary: false, get: true })).toMatchObject({ message: { id: 7 }, body: undefined });
    const getBinary = new Request(`${url}?connect=v1&encoding=proto&base64=1&message=${base64Encode(item7, "url")}`);
    expect((await decodeRpcRequest(getBinary, GetItemRequestSchema, { kind: "connect", binary: true, get: true })).message.id).toBe(7);
  });

  it("refuses malformed input with a 4xx naming the problem, never a crash", async () => {
    expect(await refusal(decodeRpcRequest(post("{"), GetItemRequestSchema, json))).toMatchObject({ status: 400, message: /cannot be decoded/ });
    expect(await refusal(decodeRpcRequest(post('{"nope":1}'), GetItemRequestSchema, json))).toMatchObject({ status: 400 });
    expect(await refusal(decodeRpcRequest(post(new Uint8Array([0xff, 0xff])), GetItemRequestSchema, binary))).toMatchObject({ status: 400 });
    expect(await refusal(decodeRpcRequest(post(new Uint8Array(3)), GetItemRequestSchema, grpcWeb))).toMatchObject({ status: 400, message: /envelope/ });
    expect(await refusal(decodeRpcRequest(post(envelope(item7).subarray(0, 6)), GetItemRequestSchema, grpcWeb))).toMatchObject({ status: 400 });
    const twoMessages = Uint8Array.from([...envelope(item7), ...envelope(item7)]);
    expect(await refusal(decodeRpcRequest(post(twoMessages), GetItemRequestSchema, grpcWeb))).toMatchObject({ status: 400, message: /exactly one/ });
    expect(await refusal(decodeRpcRequest(post("not base64!"), GetItemRequestSchema, grpcWebText))).toMatchObject({ status: 400 });
    expect(await refusal(decodeRpcRequest(new Request(`${url}?encoding=json&message=%7B%7D`), GetItemRequestSchema, { kind: "connect", binary: false, get: true }))).toMatchObject({ status: 400 });
  });

  it("Connect streaming: one enveloped message in the codec's form, the envelope forwarded as it came", async () => {
    const jsonStream: RpcProtocol = { kind: "connect", binary: false, get: false, stream: true };
    const binaryStream: RpcProtocol = { kind: "connect", binary: true, get: false, stream: true };
    const json7 = envelope(new TextEncoder().encode('{"id":7}'));
    expect(await decodeRpcRequest(post(json7), GetItemRequestSchema, jsonStream)).toEqual({ message: expect.objectContaining({ id: 7 }), body: json7 });
    expect((await decodeRpcRequest(post(envelope(item7)), GetItemRequestSchema, binaryStream)).message.id).toBe(7);
    // A message without its envelope, two messages, a compressed one (per message, as Connect streaming compresses).
    expect(await refusal(decodeRpcRequest(post('{"id":7}'), GetItemRequestSchema, jsonStream))).toMatchObject({ status: 400, message: /exactly one/ });
    expect(await refusal(decodeRpcRequest(post(Uint8Array.from([...json7, ...json7])), GetItemRequestSchema, jsonStream))).toMatchObject({ status: 400 });
    expect(await refusal(decodeRpcRequest(post(envelope(item7, 1)), GetItemRequestSchema, binaryStream))).toMatchObject({ status: 501 });
    expect(await refusal(decodeRpcRequest(post(envelope(item7), { "connect-content-encoding": "gzip" }), GetItemRequestSchema, binaryStream))).toMatchObject({ status: 501 });
  });

  it("refuses compressed requests (the edge must read what it validates) and bodies over the limit", async () => {
    expect(await refusal(decodeRpcRequest(post(envelope(item7, 1)), GetItemRequestSchema, grpcWeb))).toMatchObject({ status: 501 });
    expect(await refusal(decodeRpcRequest(post(item7, { "content-encoding": "gzip" }), GetItemRequestSchema, binary))).toMatchObject({ status: 501 });
    expect(await refusal(decodeRpcRequest(post(`{"id":7${" ".repeat(100)}}`), GetItemRequestSchema, json, 64))).toMatchObject({ status: 413 });
  });
});
