import { describe, expect, it, vi } from "vitest";
import type { GatewaySpan } from "./gateway-span.ts";
import { otlpExporter } from "./otlp-exporter.ts";

const span: GatewaySpan = {
  traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
  spanId: "00f067aa0ba902b7",
  name: "GET /api/users/{id}",
  kind: "server",
  startMs: 1_764_000_000_123,
  endMs: 1_764_000_000_130,
  attributes: { "http.request.method": "GET", "http.response.status_code": 502, ratio: 0.5, cached: false },
  error: "HTTP 502",
};

describe("otlpExporter", () => {
  it("POSTs OTLP/HTTP JSON to {endpoint}/v1/traces: hex ids, nanosecond strings, typed attributes", async () => {
    const seen: Request[] = [];
    const exporter = otlpExporter({
      endpoint: "http://collector:4318/",
      serviceName: "grpc-edge-gateway",
      fetch: async (input, init) => (seen.push(new Request(input, init)), new Response("{}")),
    });
    await exporter([span, { ...span, spanId: "1111111111111111", parentSpanId: span.spanId, kind: "client", attributes: {}, error: undefined }]);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url).toBe("http://collector:4318/v1/traces");
    expect(seen[0]!.headers.get("content-type")).toBe("application/json");
    expect(await seen[0]!.json()).toEqual({
      resourceSpans: [
        {
          resource: { attributes: [{ key: "service.name", value: { stringValue: "grpc-edge-gateway" } }] },
          scopeSpans: [
            {
              scope: { name: "grpc-edge-gateway" },
              spans: [
                {
                  traceId: span.traceId,
                  spanId: span.spanId,
                  name: "GET /api/users/{id}",
                  kind: 2,
                  startTimeUnixNano: "1764000000123000000",
                  endTimeUnixNano: "1764000000130000000",
                  attributes: [
                    { key: "http.request.method", value: { stringValue: "GET" } },
                    { key: "http.response.status_code", value: { intValue: "502" } },
                    { key: "ratio", value: { doubleValue: 0.5 } },
                    { key: "cached", value: { boolValue: false } },
                  ],
                  status: { code: 2, message: "HTTP 502" },
                },
                expect.objectContaining({ spanId: "1111111111111111", parentSpanId: span.spanId, kind: 3, attributes: [], status: {} }),
              ],
            },
          ],
        },
      ],
    });
  });

  it("never throws: an unreachable or refusing collector is one warning line", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      await otlpExporter({ endpoint: "http://c", serviceName: "g", fetch: async () => Promise.reject(new TypeError("fetch failed")) })([span]);
      await otlpExporter({ endpoint: "http://c", serviceName: "g", fetch: async () => new Response("no", { status: 503 }) })([span]);
      expect(warn.mock.calls.map(([line]) => JSON.parse(String(line)).msg)).toEqual(["trace export failed", "trace export rejected"]);
    } finally {
      warn.mockRestore();
    }
  });
});
