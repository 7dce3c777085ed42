import type { Interceptor } from "@connectrpc/connect";
import { ROOT_CONTEXT, SpanKind, trace } from "@opentelemetry/api";
import type { Tracing } from "./create-tracing.ts";
import { observeStreamEnd } from "../server/observe-stream-end.ts";
import { rpcCodeOf } from "./rpc-code.ts";
import { endRpcSpan, rpcSpanStart } from "./rpc-span.ts";
import { traceContextKey } from "./trace-context.ts";

/** Reads W3C trace headers from gRPC metadata and HTTP headers alike (both are `Headers` here). */
export const headerGetter = {
  keys: (carrier: Headers) => [...carrier.keys()],
  get: (carrier: Headers, key: string) => carrier.get(key) ?? undefined,
};

/**
 * Server interceptor: one SERVER span per RPC, child of the caller's `traceparent`
 * (a missing or malformed one starts a new trace), made the call's trace context for the
 * handler, the logs and downstream calls. A stream's span lasts as long as the stream
 * (its logs carry the same trace id).
 */
export function serverTracingInterceptor(tracing: Tracing): Interceptor {
  return (next) => async (req) => {
    const parent = tracing.propagator.extract(ROOT_CONTEXT, req.header, headerGetter);
    const { name, attributes } = rpcSpanStart(req, "server");
    const span = tracing.tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
    req.contextValues.set(traceContextKey, trace.setSpan(parent, span));
    const end = (error: unknown) =>
      error === undefined ? endRpcSpan(span, undefined, "server") : endRpcSpan(span, rpcCodeOf(error), "server", (error as Error).message);
    let res;
    try {
      res = await next(req);
    } catch (error) {
      end(error);
      throw error;
    }
    // A stream's span lasts until the stream ends, with its outcome.
    if (res.stream) return observeStreamEnd(res, req.signal, end);
    end(undefined);
    return res;
  };
}
