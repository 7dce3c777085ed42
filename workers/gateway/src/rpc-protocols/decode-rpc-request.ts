import { fromBinary, fromJson, type DescMessage, type JsonValue, type MessageShape } from "@bufbuild/protobuf";
import { base64Decode } from "@bufbuild/protobuf/wire";
import { GatewayError } from "../errors/gateway-error.ts";
import { problemTypes } from "../errors/problem-types.ts";
import { defaultMaxBodyBytes, readAtMost } from "../transcoding/read-json-body.ts";
import type { RpcProtocol } from "./rpc-protocol.ts";

/** What the edge learnt from a request: the message (to validate and authorize) and the bytes to send on. */
export interface DecodedRpcRequest<I extends DescMessage> {
  message: MessageShape<I>;
  /** The caller's bytes, unchanged (gRPC-Web text: base64-decoded); undefined for a Connect GET. */
  body: Uint8Array | undefined;
}

const invalid = (message: string) => new GatewayError(problemTypes.invalidArgument, message);

/**
 * Decodes one request message the way the protocol carries it; every malformed input
 * is invalid_argument, a body over `maxBytes` resource_exhausted, a compressed one
 * unimplemented (the edge must read what it validates).
 */
export async function decodeRpcRequest<I extends DescMessage>(request: Request, schema: I, protocol: RpcProtocol, maxBytes = defaultMaxBodyBytes): Promise<DecodedRpcRequest<I>> {
  if (protocol.kind === "connect" && protocol.get) {
    const query = new URL(request.url).searchParams;
    if (query.get("connect") !== "v1") throw invalid('a Connect GET needs "connect=v1"');
    if ((query.get("compression") ?? "identity") !== "identity") throw compressed();
    const text = query.get("message") ?? "";
    const bytes = query.get("base64") === "1" ? decodeBase64(text) : new TextEncoder().encode(text);
    return { message: parse(schema, bytes, protocol.binary), body: undefined };
  }
  const encoding = request.headers.get(encodingHeaderOf(protocol)) ?? "identity";
  if (encoding !== "identity") throw compressed();
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  const raw = request.body === null ? new Uint8Array(0) : await readAtMost(request.body, maxBytes);
  if (protocol.kind === "connect" && protocol.stream !== true) return { message: parse(schema, raw, protocol.binary), body: raw };

  const body = protocol.kind === "grpc-web" && protocol.text ? decodeBase64(new TextDecoder().decode(raw)) : raw;
  return { message: parse(schema, onlyEnvelope(body), protocol.kind === "grpc-web" || protocol.binary), body };
}

/** Where the protocol names a request's compression: Connect streaming compresses per message. */
function encodingHeaderOf(protocol: RpcProtocol): string {
  if (protocol.kind === "grpc-web") return "grpc-encoding";
  return protocol.stream === true ? "connect-content-encoding" : "content-encoding";
}

/**
 * The message of a body that is one envelope — a flags byte (0: an uncompressed
 * message), a 4-byte big-endian length, the message — as gRPC-Web requests and Connect
 * streaming requests of unary and server-streaming methods are.
 */
function onlyEnvelope(body: Uint8Array): Uint8Array {
  if (body.byteLength < 5) throw invalid("the request has no message envelope");
  const flags = body[0]!;
  const length = new DataView(body.buffer, body.byteOffset, body.byteLength).getUint32(1);
  if (flags & ~0b1) throw invalid("the request must be exactly one message envelope (its flags are not a message's)");
  if (flags & 0b1) throw compressed();
  if (body.byteLength !== 5 + length) throw invalid("the request must be exactly one message envelope");
  return body.subarray(5);
}

function parse<I extends DescMessage>(schema: I, bytes: Uint8Array, binary: boolean): MessageShape<I> {
  try {
    if (binary) return fromBinary(schema, bytes);
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
    return fromJson(schema, JSON.parse(text === "" ? "{}" : text) as JsonValue, { ignoreUnknownFields: false });
  } catch (err) {
    throw invalid(`the request message cannot be decoded: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function decodeBase64(text: string): Uint8Array {
  if (!/^[A-Za-z0-9+/_=-]*$/.test(text)) throw invalid("the request is not valid base64");
  return base64Decode(text);
}

const compressed = () => new GatewayError(problemTypes.unimplemented, "compressed requests are not accepted at the edge");
const tooLarge = (maxBytes: number) => new GatewayError(problemTypes.payloadTooLarge, `the request body must be at most ${maxBytes} bytes`);
