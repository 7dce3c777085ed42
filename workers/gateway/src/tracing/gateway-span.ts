/** A finished span of the gateway, in the terms OTLP needs (times in Unix ms: all workerd can tell). */
export interface GatewaySpan {
  traceId: string;
  spanId: string;
  /** Absent for a root span (no valid traceparent came in). */
  parentSpanId?: string;
  name: string;
  kind: "server" | "client";
  startMs: number;
  endMs: number;
  attributes: Record<string, string | number | boolean>;
  /** Set when the span failed; OTLP's ERROR status. */
  error?: string;
}

/** Sends finished spans somewhere; must not throw (export failures are the exporter's business). */
export type SpanExporter = (spans: readonly GatewaySpan[]) => Promise<void>;
