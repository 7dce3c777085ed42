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

// Node error codes of a connection that broke under a call. connect-node maps the first
// three to ABORTED ("the client hung up", right for a server's handler, wrong for a client:
// the order service did not say ABORTED, its connection died), EPIPE to INTERNAL.
const brokenConnection = new Set(["ECONNRESET", "EPIPE", "ERR_STREAM_DESTROYED", "ERR_HTTP2_INVALID_STREAM"]);

function brokeUnder(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && brokenConnection.has(code)) return true;
  }
  return false;
}

/**
 * Client interceptor: a call whose connection to the order service was lost under it is
 * UNAVAILABLE. connect-node reports such a call as CANCELED (the session closed: its streams
 * are reset with CANCEL) or ABORTED (ECONNRESET) — although nobody cancelled it (its signal,
 * our caller's cancellation and deadline, is not aborted) and the order service never
 * answered ABORTED (a real ABORTED, e.g. IDEMPOTENCY_KEY_IN_FLIGHT, is a status the server
 * sent, with no Node error behind it). Passed on as they were, a SIGKILLed order service
 * reached REST clients as 500 "canceled" or 409 "aborted" instead of 503, and the gateway did
 * not retry them (found by test/e2e/exactly-once.test.ts). Whether the call was processed is
 * unknown, as with any UNAVAILABLE after a request was sent: the gateway retries only reads
 * and keyed writes, which the order service deduplicates.
 */
export function lostConnectionIsUnavailable(): Interceptor {
  return (next) => async (req) => {
    try {
      return await next(req);
    } catch (error) {
      if (req.signal.aborted) throw error;
      const { code } = ConnectError.from(error);
      if (code === Code.Canceled || ((code === Code.Aborted || code === Code.Internal) && brokeUnder(error))) {
        throw new ConnectError("connection to the order service lost", Code.Unavailable, undefined, undefined, error);
      }
      throw error;
    }
  };
}
