import { ProxyTracerProvider, type Tracer } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, SimpleSpanProcessor, TracerProvider, type SpanExporter } from "@opentelemetry/sdk-trace";

export interface Tracing {
  /** False when nothing is exported: spans are then non-recording, but an incoming trace is still passed on. */
  readonly enabled: boolean;
  readonly tracer: Tracer;
  /** W3C `traceparent`/`tracestate` in and out. */
  readonly propagator: W3CTraceContextPropagator;
  /** Exports what is buffered and stops; safe to call twice. */
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  /** The `service.name` resource attribute (user-service, order-service). */
  serviceName: string;
  /** OTLP/HTTP base URL (OTEL_EXPORTER_OTLP_ENDPOINT); spans go to `{endpoint}/v1/traces` as JSON. */
  endpoint?: string | undefined;
  /** Instead of OTLP, e.g. an in-memory exporter in tests; exported span by span. */
  exporter?: SpanExporter;
}

/**
 * One tracer provider per service instance, never registered globally, so two services
 * in one process keep their own `service.name`. Without an endpoint no exporter or
 * provider is built: the API's no-op tracer only carries an incoming span context on.
 */
export function createTracing({ serviceName, endpoint, exporter }: TracingOptions): Tracing {
  const propagator = new W3CTraceContextPropagator();
  if (!endpoint && !exporter) {
    return { enabled: false, tracer: new ProxyTracerProvider().getTracer(serviceName), propagator, shutdown: async () => {} };
  }
  const processor = exporter
    ? new SimpleSpanProcessor({ exporter })
    : // JSON (the exporter's default encoding), batched: export never sits on a request's path.
      new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${endpoint!.replace(/\/+$/, "")}/v1/traces` }) });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ "service.name": serviceName }),
    spanProcessors: [processor],
  });
  let stopped: Promise<void> | undefined;
  return {
    enabled: true,
    tracer: provider.getTracer("@grpc-edge/service-kit"),
    propagator,
    shutdown: () => (stopped ??= provider.shutdown()),
  };
}
