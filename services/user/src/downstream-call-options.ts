import type { CallOptions, HandlerContext } from "@connectrpc/connect";

/**
 * Forwards the caller's remaining deadline, cancellation, request id and trace
 * context (the context values, which the client tracing interceptor reads) downstream.
 */
export function downstreamCallOptions(ctx: HandlerContext): CallOptions {
  const requestId = ctx.requestHeader.get("x-request-id");
  return {
    signal: ctx.signal,
    timeoutMs: ctx.timeoutMs(),
    headers: requestId ? { "x-request-id": requestId } : undefined,
    contextValues: ctx.values,
  };
}
