import type { CallOptions, HandlerContext } from "@connectrpc/connect";
import { IDEMPOTENCY_KEY_HEADER } from "@grpc-edge/proto/shared-names";
import { callerOf } from "@grpc-edge/service-kit";

// Request metadata the next service needs as it is: who asked (checked there again) and the request id.
const forwarded = ["x-request-id", IDEMPOTENCY_KEY_HEADER];

/**
 * Forwards the caller's remaining deadline, cancellation, request id, idempotency
 * key, verified service token (the order service authorises the end user itself,
 * never the user service's word for her) and trace context (the context values,
 * which the client tracing interceptor reads) downstream.
 */
export function downstreamCallOptions(ctx: HandlerContext): CallOptions {
  const headers: Record<string, string> = { authorization: `Bearer ${callerOf(ctx).token}` };
  for (const name of forwarded) {
    const value = ctx.requestHeader.get(name);
    if (value !== null) headers[name] = value;
  }
  return { signal: ctx.signal, timeoutMs: ctx.timeoutMs(), headers, contextValues: ctx.values };
}
