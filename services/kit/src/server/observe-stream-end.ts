import { Code, ConnectError, type StreamResponse } from "@connectrpc/connect";

/**
 * A streaming response whose end is reported to `onEnd`: with the error it failed
 * with, a CANCELED error when the call was aborted (client gone, deadline,
 * shutdown), or undefined when it finished. For interceptors that account for a
 * stream when it ends rather than when its handler returns its iterable.
 */
export function observeStreamEnd(res: StreamResponse, signal: AbortSignal, onEnd: (error: unknown) => void): StreamResponse {
  const source = res.message;
  async function* observed() {
    let failure: unknown;
    try {
      yield* source;
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      const reason: unknown = signal.reason;
      onEnd(failure ?? (signal.aborted ? (reason instanceof ConnectError ? reason : new ConnectError("stream cancelled", Code.Canceled)) : undefined));
    }
  }
  return { ...res, message: observed() };
}
