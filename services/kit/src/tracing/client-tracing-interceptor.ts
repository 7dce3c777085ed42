import type { Interceptor } from "@connectrpc/connect";
import { SpanKind, trace } from "@opentelemetry/api";
import type { Tracing } from "./create-tracing.ts";
import { rpcCodeOf } from "./rpc-code.ts";
import { endRpcSpan, rpcSpanStart } from "./rpc-span.ts";
import { traceContextKey } from "./trace-context.ts";

const headerSetter = { set: (carrier: Headers, key: string, value: string) => carrier.set(key, value) };

/**
 * Client interceptor for calls to another service: a CLIENT span, child of the trace
 * context the call was given (`contextValues`, see traceContextKey), whose id goes out
 * as the `traceparent` parent. Tracing off: the incoming trace is passed on unchanged.
 */
export function clientTracingInterceptor(tracing: Tracing): Interceptor {
  return (next) => async (req) => {
    const parent = req.contextValues.get(traceContextKey);
    const { name, attributes } = rpcSpanStart(req, "client");
    const span = tracing.tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, parent);
    tracing.propagator.inject(trace.setSpan(parent, span), req.header, headerSetter);
    try {
      const res = await next(req);
      endRpcSpan(span, undefined, "client");
      return res;
    } catch (error) {
      endRpcSpan(span, rpcCodeOf(error), "client", (error as Error).message);
      throw error;
    }
  };
}
