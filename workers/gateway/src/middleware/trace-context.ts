import type { Context, MiddlewareHandler } from "hono";
import type { GatewaySpan, SpanExporter } from "../tracing/gateway-span.ts";
import { randomId } from "../tracing/random-id.ts";
import { parseTraceparent } from "../tracing/traceparent.ts";
import type { AppEnv, RequestTrace } from "../context/app-env.ts";

// A tracestate longer than the spec's 512 characters is dropped, not forwarded.
const maxTracestate = 512;

/**
 * Joins the caller's trace (a valid `traceparent`) or starts one, as c.var.trace. With an
 * exporter, the request's server span (and its upstream client span) go out after the
 * response under ctx.waitUntil, so the export never delays it. No exporter: ids only.
 */
export function traceContext(exporter?: SpanExporter): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const incoming = parseTraceparent(c.req.header("traceparent"));
    const tracestate = incoming && c.req.header("tracestate");
    const trace: RequestTrace = {
      traceId: incoming?.traceId ?? randomId(16),
      spanId: randomId(8),
      sampled: incoming?.sampled ?? true,
      ...(incoming ? { parentSpanId: incoming.parentId } : {}),
      ...(tracestate && tracestate.length <= maxTracestate ? { tracestate } : {}),
    };
    c.set("trace", trace);
    const startMs = Date.now();
    await next();
    if (exporter === undefined || !trace.sampled) return;
    const sending = exporter(spansOf(c, trace, startMs, Date.now()));
    try {
      c.executionCtx.waitUntil(sending);
    } catch {
      // No ExecutionContext (app.request() in tests): the export just runs on its own.
    }
  };
}

function spansOf(c: Context<AppEnv>, trace: RequestTrace, startMs: number, endMs: number): GatewaySpan[] {
  const upstream = c.get("upstream");
  const status = c.res.status;
  const server: GatewaySpan = {
    traceId: trace.traceId,
    spanId: trace.spanId,
    ...(trace.parentSpanId === undefined ? {} : { parentSpanId: trace.parentSpanId }),
    // OpenTelemetry's HTTP server span name: method and route template, when there is one.
    name: upstream ? `${c.req.method} ${upstream.route}` : c.req.method,
    kind: "server",
    startMs,
    endMs,
    attributes: {
      "http.request.method": c.req.method,
      "url.path": c.req.path,
      "http.response.status_code": status,
      "grpc_edge.request_id": c.get("requestId"),
      ...(upstream ? { "http.route": upstream.route } : {}),
    },
    ...(status >= 500 ? { error: `HTTP ${status}` } : {}),
  };
  if (!upstream) return [server];
  const [service = "", method = ""] = upstream.rpc.split("/");
  const client: GatewaySpan = {
    traceId: trace.traceId,
    spanId: upstream.spanId,
    parentSpanId: trace.spanId,
    name: upstream.rpc,
    kind: "client",
    startMs: upstream.startMs,
    endMs: upstream.endMs,
    attributes: { "rpc.system": "connect_rpc", "rpc.service": service, "rpc.method": method, "rpc.response.status_code": upstream.code },
    ...(upstream.code === "ok" ? {} : { error: upstream.code }),
  };
  return [server, client];
}
