import { ROOT_CONTEXT, trace, type Context } from "@opentelemetry/api";
import { createContextKey, type ContextValues } from "@connectrpc/connect";

/**
 * The OpenTelemetry context of the RPC being served, carried in Connect's per-call
 * context values rather than in a global context manager: the server interceptor
 * sets it, handlers pass `ctx.values` on to their downstream calls (see the user
 * service's downstream-call-options), and the client interceptor reads it there.
 * Explicit, and two services in one process (the tests) never see each other's.
 */
export const traceContextKey = createContextKey<Context>(ROOT_CONTEXT, { description: "OpenTelemetry context" });

/** `traceId`/`spanId` of the current call for log lines; empty when there is no valid trace. */
export function traceLogFields(values: ContextValues): { traceId?: string; spanId?: string } {
  const spanContext = trace.getSpanContext(values.get(traceContextKey));
  if (!spanContext || !trace.isSpanContextValid(spanContext)) return {};
  return { traceId: spanContext.traceId, spanId: spanContext.spanId };
}
