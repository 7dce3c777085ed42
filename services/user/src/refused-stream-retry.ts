import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";

/**
 * True when the order service provably did not process the call: it refused the
 * HTTP/2 stream (RST_STREAM REFUSED_STREAM, what a server that sent GOAWAY answers to
 * streams it will not serve) or the session had already received GOAWAY when the
 * stream was to be opened.
 */
export function isRefusedStream(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === "ERR_HTTP2_GOAWAY_SESSION") return true;
    if (/\b(?:NGHTTP2_)?REFUSED_STREAM\b/.test(e.message)) return true;
  }
  return false;
}

/**
 * Client interceptor: a call whose stream the server refused is sent once more, at
 * once (RFC 9113 §8.7: the request was not processed, so even a write may be retried,
 * and not more than once). This closes the race of a rolling restart, where a call
 * leaves on the old connection just as its server sends GOAWAY; connect's session
 * manager opens a new connection for the second attempt. A second refusal is
 * UNAVAILABLE, for the caller to retry or not.
 */
export function refusedStreamRetry(): Interceptor {
  return (next) => async (req) => {
    try {
      return await next(req);
    } catch (error) {
      if (!isRefusedStream(error) || req.signal.aborted) throw error;
    }
    try {
      return await next(req);
    } catch (error) {
      if (isRefusedStream(error)) throw new ConnectError("order service refused the call", Code.Unavailable, undefined, undefined, error);
      throw error;
    }
  };
}
