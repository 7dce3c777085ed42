import type { GatewaySpan } from "./gateway-span.ts";

type AnyValue = { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean };

// OTLP's SpanKind and StatusCode numbers.
const kinds = { server: 2, client: 3 } as const;
const STATUS_ERROR = 2;

/**
 * An OTLP ExportTraceServiceRequest in the OTLP/HTTP JSON mapping: ids as hex strings,
 * 64-bit times as decimal strings, enums as numbers. Hand-written because the
 * OpenTelemetry SDK would cost the Worker's bundle more than this whole file.
 */
export function otlpTracesJson(serviceName: string, spans: readonly GatewaySpan[]): object {
  return {
    resourceSpans: [
      {
        resource: { attributes: attributes({ "service.name": serviceName }) },
        scopeSpans: [
          {
            scope: { name: "grpc-edge-gateway" },
            spans: spans.map((span) => ({
              traceId: span.traceId,
              spanId: span.spanId,
              ...(span.parentSpanId === undefined ? {} : { parentSpanId: span.parentSpanId }),
              name: span.name,
              kind: kinds[span.kind],
              startTimeUnixNano: unixNano(span.startMs),
              endTimeUnixNano: unixNano(span.endMs),
              attributes: attributes(span.attributes),
              status: span.error === undefined ? {} : { code: STATUS_ERROR, message: span.error },
            })),
          },
        ],
      },
    ],
  };
}

function attributes(values: Record<string, string | number | boolean>): Array<{ key: string; value: AnyValue }> {
  return Object.entries(values).map(([key, value]) => ({ key, value: anyValue(value) }));
}

function anyValue(value: string | number | boolean): AnyValue {
  if (typeof value === "string") return { stringValue: value };
  if (typeof value === "boolean") return { boolValue: value };
  return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
}

// Milliseconds to nanoseconds as a string: past 2^53, so no arithmetic on numbers.
function unixNano(ms: number): string {
  return `${Math.round(ms)}000000`;
}
