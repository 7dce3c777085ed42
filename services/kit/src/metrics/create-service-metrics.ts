import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { PoolStats } from "../database/index.ts";

/** Latency buckets in seconds: 1 ms to 10 s, dense where a healthy RPC lands (5–250 ms). */
export const rpcDurationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface ServiceMetrics {
  readonly registry: Registry;
  readonly requests: Counter<"rpc" | "code">;
  readonly errors: Counter<"rpc" | "code">;
  readonly duration: Histogram<"rpc">;
  readonly inFlight: Gauge<"rpc">;
}

/**
 * One Prometheus registry per service instance (not prom-client's global one, so two
 * services in one process stay apart): RPC counters and latency, database pool usage
 * read at scrape time, and prom-client's process and Node.js runtime metrics.
 */
export function createServiceMetrics(poolStats: () => PoolStats): ServiceMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: "rpc_server_requests_total",
    help: "RPCs handled, by method and outcome code",
    labelNames: ["rpc", "code"] as const,
    registers: [registry],
  });
  const errors = new Counter({
    name: "rpc_server_errors_total",
    help: "RPCs that failed on the server side (unknown, internal, unavailable, deadline_exceeded, unimplemented, data_loss)",
    labelNames: ["rpc", "code"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "rpc_server_duration_seconds",
    help: "Time from receiving an RPC to its response, in seconds",
    labelNames: ["rpc"] as const,
    buckets: rpcDurationBuckets,
    registers: [registry],
  });
  const inFlight = new Gauge({
    name: "rpc_server_in_flight",
    help: "RPCs being handled right now",
    labelNames: ["rpc"] as const,
    registers: [registry],
  });
  const poolGauge = (name: string, help: string, read: (stats: PoolStats) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read(poolStats()));
      },
    });
  poolGauge("db_pool_max_connections", "Most database connections the pool may open (1 for PGlite)", (s) => s.max);
  poolGauge("db_pool_connections", "Database connections open, idle or in use", (s) => s.total);
  poolGauge("db_pool_idle_connections", "Open database connections not in use", (s) => s.idle);
  poolGauge("db_pool_waiting_queries", "Queries waiting for a free connection (the pool is full)", (s) => s.waiting);
  return { registry, requests, errors, duration, inFlight };
}
