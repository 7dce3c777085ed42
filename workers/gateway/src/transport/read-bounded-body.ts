import { Code, ConnectError } from "@connectrpc/connect";
import { GatewayError } from "../errors/gateway-error.ts";
import { problemTypes } from "../errors/problem-types.ts";

/**
 * The largest upstream answer the gateway reads, in bytes. The biggest legitimate one (a
 * page of 100 users with at most 20 embedded orders each) is a few hundred KiB; anything
 * past this is a fault upstream, and reading it whole could exhaust the isolate's memory.
 */
export const MAX_UPSTREAM_BODY_BYTES = 4 * 1024 * 1024;

/**
 * The whole body of an upstream answer: at once when Content-Length is within `maxBytes`,
 * refused when it is over; without one, read chunk by chunk and abandoned (the stream
 * cancelled) as soon as it passes `maxBytes`. Over it: a 502 problem of its own type,
 * never an out-of-memory isolate.
 */
export async function readBoundedBody(res: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(res.headers.get("content-length") ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    res.body?.cancel().catch(() => {});
    throw tooLarge(maxBytes);
  }
  if (res.body === null) return new Uint8Array(0);
  // A declared length frames the body (HTTP/1.1 reads no more than it): one native read.
  if (Number.isFinite(declared)) return new Uint8Array(await res.arrayBuffer());
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

// A ConnectError for connect's call machinery (which turns anything else into UNKNOWN),
// carrying the gateway's problem as its cause (call-upstream.ts unwraps it).
function tooLarge(maxBytes: number): ConnectError {
  const problem = new GatewayError(problemTypes.upstreamResponseTooLarge, `An upstream service answered with more than ${maxBytes} bytes.`);
  return new ConnectError(problem.message, Code.Internal, undefined, undefined, problem);
}
