import { fromBinary, toJson, type DescMessage } from "@bufbuild/protobuf";
import type { RpcProtocol } from "./rpc-protocol.ts";

/**
 * The answer to a write as proto3 JSON, for the edge cache's invalidation (an order's
 * userId names the user it changed), with a response that still carries the same bytes.
 * Undefined when the write failed or the answer cannot be read: then only the path counts.
 */
export async function writtenAnswer(res: Response, schema: DescMessage, protocol: RpcProtocol): Promise<{ response: Response; answer: unknown }> {
  if (res.status !== 200 || res.headers.has("grpc-status")) return { response: res, answer: undefined };
  if (protocol.kind === "connect" && !protocol.binary) return { response: res, answer: await res.clone().json().catch(() => undefined) };
  const bytes = new Uint8Array(await res.arrayBuffer());
  const response = new Response(bytes, { status: res.status, headers: res.headers });
  try {
    if (protocol.kind === "connect") return { response, answer: toJson(schema, fromBinary(schema, bytes)) };
    // gRPC-Web (text mode was decoded before the forwarder re-encoded it: read what the service sent).
    const raw = protocol.text ? undefined : bytes;
    if (raw === undefined || raw.byteLength < 5 || raw[0] !== 0) return { response, answer: undefined };
    const length = new DataView(raw.buffer, raw.byteOffset, raw.byteLength).getUint32(1);
    return { response, answer: toJson(schema, fromBinary(schema, raw.subarray(5, 5 + length))) };
  } catch {
    return { response, answer: undefined };
  }
}
