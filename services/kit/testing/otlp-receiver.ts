import http from "node:http";
import type { AddressInfo } from "node:net";

/** One received span, flattened: ids in lowercase hex, attributes as plain values. */
export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  /** "" for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client. */
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Record<string, unknown>;
  status: { code?: number; message?: string };
}

export interface OtlpReceiver {
  /** Base URL to set as OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly url: string;
  readonly spans: readonly ReceivedSpan[];
  /** Content types of the export requests so far. */
  readonly contentTypes: readonly string[];
  close(): Promise<void>;
}

/**
 * A tiny OpenTelemetry collector for tests: accepts OTLP/HTTP JSON on
 * POST /v1/traces (what the services' SDK exporter and the gateway send) and keeps
 * the spans; anything else, protobuf included, is refused so a change of encoding shows.
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const contentTypes: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const type = req.headers["content-type"] ?? "";
      contentTypes.push(type);
      if (req.method !== "POST" || req.url !== "/v1/traces") return void res.writeHead(404).end();
      if (!type.startsWith("application/json")) return void res.writeHead(415).end();
      try {
        spans.push(...flatten(JSON.parse(Buffer.concat(chunks).toString("utf8"))));
      } catch (error) {
        return void res.writeHead(400, { "content-type": "text/plain" }).end(String(error));
      }
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    contentTypes,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ExportTraceServiceRequest in the OTLP JSON mapping: resourceSpans[].scopeSpans[].spans[].
function flatten(body: any): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const resourceSpans of body.resourceSpans ?? []) {
    const resource = attributesOf(resourceSpans.resource?.attributes);
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        out.push({
          service: String(resource["service.name"] ?? ""),
          traceId: hexId(span.traceId),
          spanId: hexId(span.spanId),
          parentSpanId: hexId(span.parentSpanId),
          name: span.name,
          kind: span.kind,
          startTimeUnixNano: String(span.startTimeUnixNano),
          endTimeUnixNano: String(span.endTimeUnixNano),
          attributes: attributesOf(span.attributes),
          status: span.status ?? {},
        });
      }
    }
  }
  return out;
}

function attributesOf(list: Array<{ key: string; value: Record<string, unknown> }> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value } of list ?? []) {
    const [kind, v] = Object.entries(value)[0] ?? [];
    // OTLP JSON carries 64-bit integers as strings.
    out[key] = kind === "intValue" ? Number(v) : v;
  }
  return out;
}

// The OTLP JSON mapping says hex; a protobuf-JSON encoder would send base64.
function hexId(id: string | undefined): string {
  if (!id) return "";
  if (/^[0-9a-f]+$/.test(id) && (id.length === 16 || id.length === 32)) return id;
  return Buffer.from(id, "base64").toString("hex");
}
