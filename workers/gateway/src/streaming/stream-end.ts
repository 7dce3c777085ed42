import { Code } from "@connectrpc/connect";
import { codeFromString, codeToString } from "@connectrpc/connect/protocol-connect";
import { encodeEnvelope, endStreamFlag, type Envelope } from "./connect-envelopes.ts";
import { formatGrpcWebTrailer, grpcWebTrailerFlag, parseGrpcWebTrailer } from "./grpc-web-trailer.ts";

/** How a stream ended: "ok", or an error's code and message. */
export interface StreamEnd {
  code: Code | "ok";
  message: string;
}

/** The framings that end a stream with a status frame: Connect streaming (end-of-stream JSON) and gRPC-Web (trailers). */
export type FramedProtocol = "connect" | "grpc-web";

const decoder = new TextDecoder();

/**
 * The status a stream's frame carries: undefined for a message, else the end of the
 * stream — Connect's end-of-stream message ({"error": {...}} or none: ok) or gRPC-Web's
 * trailer frame (grpc-status, grpc-message). An end frame nobody can read is internal.
 */
export function readStreamEnd(protocol: FramedProtocol, envelope: Envelope): StreamEnd | undefined {
  if (protocol === "grpc-web") {
    return envelope.flags & grpcWebTrailerFlag ? trailerEnd(decoder.decode(envelope.data)) : undefined;
  }
  if (!(envelope.flags & endStreamFlag)) return undefined;
  let json: { error?: { code?: unknown; message?: unknown } };
  try {
    json = JSON.parse(decoder.decode(envelope.data) || "{}") as typeof json;
  } catch {
    return { code: Code.Internal, message: "the stream's end message is not JSON" };
  }
  if (json.error === undefined || json.error === null) return { code: "ok", message: "" };
  const code = typeof json.error.code === "string" ? codeFromString(json.error.code) : undefined;
  return { code: code ?? Code.Unknown, message: typeof json.error.message === "string" ? json.error.message : "" };
}

/** The status gRPC-Web trailers carry ("name: value" lines: a trailer frame's, or "trailers-only" headers). */
export function trailerEnd(text: string): StreamEnd {
  const { status, message } = parseGrpcWebTrailer(text);
  if (status === undefined) return { code: Code.Internal, message: "the stream's trailer has no grpc-status" };
  return status === 0 ? { code: "ok", message: "" } : { code: status in Code ? (status as Code) : Code.Unknown, message };
}

/** The frame that ends a stream with a status, in the protocol's framing (what readStreamEnd reads back). */
export function encodeStreamEnd(protocol: FramedProtocol, end: StreamEnd): Uint8Array {
  const encoder = new TextEncoder();
  if (protocol === "grpc-web") return encodeEnvelope(grpcWebTrailerFlag, encoder.encode(formatGrpcWebTrailer(end.code === "ok" ? 0 : end.code, end.message)));
  const json = end.code === "ok" ? {} : { error: { code: codeToString(end.code), message: end.message } };
  return encodeEnvelope(endStreamFlag, encoder.encode(JSON.stringify(json)));
}
