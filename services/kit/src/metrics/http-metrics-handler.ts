import type { ServerResponse } from "node:http";
import type { NodeHandler } from "../server/index.ts";
import type { ServiceMetrics } from "./create-service-metrics.ts";

/**
 * `GET /metrics` in the Prometheus text format (served by listenMetrics on
 * METRICS_PORT). Returns false for any other path.
 */
export function httpMetricsHandler(metrics: ServiceMetrics) {
  return (req: Parameters<NodeHandler>[0], res: Parameters<NodeHandler>[1]): boolean => {
    if ((req.url ?? "").split("?")[0] !== "/metrics") return false;
    const reply = (status: number, contentType: string, body: string) => {
      (res as ServerResponse).writeHead(status, {
        "content-type": contentType,
        "cache-control": "no-store",
        "content-length": Buffer.byteLength(body),
      });
      res.end(body); // Node leaves the body out of a HEAD response itself
    };
    if (req.method !== "GET" && req.method !== "HEAD") {
      reply(405, "text/plain; charset=utf-8", "method not allowed\n");
      return true;
    }
    metrics.registry.metrics().then(
      (text) => reply(200, metrics.registry.contentType, text),
      (error: Error) => reply(500, "text/plain; charset=utf-8", `metrics collection failed: ${error.message}\n`),
    );
    return true;
  };
}
