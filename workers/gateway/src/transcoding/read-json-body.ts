import type { JsonValue } from "@bufbuild/protobuf";
import { GatewayError } from "../errors/gateway-error.ts";
import { problemTypes } from "../errors/problem-types.ts";

/** Large enough for any request of the API, small enough to parse in a Worker without care. */
export const defaultMaxBodyBytes = 64 * 1024;

// One decoder for every request: decode() without { stream } keeps no state between calls.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
const jsonMediaType = /^application\/(?:[\w.+-]+\+)?json$/;

/**
 * The request body as parsed JSON, or undefined when there is none (an empty body is no
 * body: `POST /orders/1:cancel` needs none). Over `maxBytes` is 413, checked against
 * Content-Length first (which then frames the body), and without one by counting
 * while reading; a body that is not JSON is 415; broken JSON is 400.
 */
export async function readJsonBody(request: Request, maxBytes: number = defaultMaxBodyBytes): Promise<JsonValue | undefined> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  if (request.body === null) return undefined;
  // A declared length frames the body (the runtime delivers no more than it): one native read.
  const bytes = declared !== null && Number.isFinite(Number(declared)) ? new Uint8Array(await request.arrayBuffer()) : await readAtMost(request.body, maxBytes);
  // Counted anyway: a Request built in-process is not framed by its header.
  if (bytes.byteLength > maxBytes) throw tooLarge(maxBytes);
  if (bytes.byteLength === 0) return undefined;

  const contentType = request.headers.get("content-type") ?? "";
  const [mediaType = "", ...params] = contentType.split(";").map((p) => p.trim().toLowerCase());
  const charset = params.find((p) => p.startsWith("charset="))?.slice("charset=".length).replaceAll('"', "");
  if (!jsonMediaType.test(mediaType) || (charset !== undefined && charset !== "utf-8")) {
    throw new GatewayError(
      problemTypes.unsupportedMediaType,
      `the request body must be JSON (Content-Type: application/json), not ${mediaType === "" ? "untyped" : `"${mediaType}"`}`,
    );
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new GatewayError(problemTypes.invalidArgument, "the request body is not valid UTF-8");
  }
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    throw new GatewayError(problemTypes.invalidArgument, "the request body is not valid JSON");
  }
}

export async function readAtMost(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > maxBytes) {
      // Stop the upload instead of draining it.
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

function tooLarge(maxBytes: number): GatewayError {
  return new GatewayError(problemTypes.payloadTooLarge, `the request body must be at most ${maxBytes} bytes`);
}
