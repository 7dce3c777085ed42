import http from "node:http";
import type { AddressInfo } from "node:net";
import type { ServiceMetrics } from "./create-service-metrics.ts";
import { httpMetricsHandler } from "./http-metrics-handler.ts";

export interface MetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * `GET /metrics` on a port of its own (METRICS_PORT), apart from the RPC port, so
 * a load balancer in front of the RPCs never exposes it and security groups can
 * open it to the scraper alone. Plain HTTP/1.1; every other path is 404.
 */
export async function listenMetrics(options: { host: string; port: number; metrics: ServiceMetrics }): Promise<MetricsServer> {
  const scrape = httpMetricsHandler(options.metrics);
  const server = http.createServer({ headersTimeout: 10_000, requestTimeout: 10_000, keepAliveTimeout: 65_000 }, (req, res) => {
    if (scrape(req, res)) return;
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" }).end("not found\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
