import { startService, type RunningService } from "@grpc-edge/service-kit";
import { grpc, parsePrometheusText, testServiceEnv } from "@grpc-edge/service-kit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orderServiceDefinition } from "../src/index.ts";
import { grpcJsClients } from "../../user/test/grpc-js-clients.ts";

// GET /metrics of the real service, on its own port (METRICS_PORT), after real gRPC (HTTP/2) calls.
let service: RunningService;
let clients: ReturnType<typeof grpcJsClients>;

beforeAll(async () => {
  service = await startService(orderServiceDefinition, testServiceEnv({ SEED_DEMO_DATA: "true" }));
  clients = grpcJsClients(service.url);
});
afterAll(async () => {
  clients?.close();
  await service?.stop(1_000);
});

async function scrape() {
  const res = await fetch(service.metricsUrl!);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await res.text());
}

const getItem = "orders.v1.OrderService/GetItem";

describe("GET /metrics", () => {
  it("counts each RPC by code, times it, and shows the database pool", async () => {
    const before = await scrape();
    const count = (s: typeof before, code: string) => s.value("rpc_server_requests_total", { rpc: getItem, code }) ?? 0;
    const observed = (s: typeof before) => s.value("rpc_server_duration_seconds_count", { rpc: getItem }) ?? 0;

    await clients.call(clients.order, "GetItem", { id: 1 });
    await clients.call(clients.order, "GetItem", { id: 2 });
    expect((await clients.fail(clients.order, "GetItem", { id: 999 })).code).toBe(grpc.status.NOT_FOUND);
    // Rejected by validation, which runs inside the metrics interceptor: still counted.
    expect((await clients.fail(clients.order, "GetItem", { id: 0 })).code).toBe(grpc.status.INVALID_ARGUMENT);

    const after = await scrape();
    expect(count(after, "ok") - count(before, "ok")).toBe(2);
    expect(count(after, "not_found") - count(before, "not_found")).toBe(1);
    expect(count(after, "invalid_argument") - count(before, "invalid_argument")).toBe(1);
    expect(after.value("rpc_server_errors_total", { rpc: getItem, code: "not_found" })).toBeUndefined();
    expect(observed(after) - observed(before)).toBe(4);
    expect(after.value("rpc_server_duration_seconds_bucket", { rpc: getItem, le: "10" })).toBe(observed(after));
    expect(after.value("rpc_server_in_flight", { rpc: getItem })).toBe(0);
    // Embedded PGlite: one connection.
    expect(after.value("db_pool_max_connections")).toBe(1);
    expect(after.value("process_cpu_seconds_total")).toBeGreaterThan(0);
  });

  it("is GET (and HEAD) only", async () => {
    expect((await fetch(service.metricsUrl!, { method: "POST" })).status).toBe(405);
    expect((await fetch(service.metricsUrl!, { method: "HEAD" })).status).toBe(200);
  });

  it("is served only on its own port: the RPC port answers 404, the metrics port nothing but /metrics", async () => {
    const metricsOrigin = new URL(service.metricsUrl!).origin;
    expect(metricsOrigin).not.toBe(service.url);
    const onRpcPort = await fetch(`${service.url}/metrics`);
    expect(onRpcPort.status).toBe(404);
    expect(await onRpcPort.text()).not.toContain("rpc_server_requests_total");
    expect((await fetch(`${service.url}/readyz`)).status).toBe(200); // the probes stay on the RPC port
    for (const path of ["/readyz", "/healthz", "/orders.v1.OrderService/GetItem", "/"]) {
      expect((await fetch(`${metricsOrigin}${path}`)).status).toBe(404);
    }
  });

  it("METRICS_PORT=off serves no metrics at all; a port that cannot be used stops the start with a clear message", async () => {
    const off = await startService(orderServiceDefinition, testServiceEnv({ METRICS_PORT: "off" }));
    try {
      expect(off.metricsUrl).toBeUndefined();
      expect((await fetch(`${off.url}/metrics`)).status).toBe(404);
    } finally {
      await off.stop(1_000);
    }
    const taken = new URL(service.metricsUrl!).port;
    await expect(startService(orderServiceDefinition, testServiceEnv({ METRICS_PORT: taken }))).rejects.toThrow(`METRICS_PORT ${taken} cannot be used: EADDRINUSE`);
    await expect(Promise.resolve().then(() => startService(orderServiceDefinition, testServiceEnv({ METRICS_PORT: "on" })))).rejects.toThrow(
      'METRICS_PORT must be an integer between 0 and 65535, or off (got "on")',
    );
  });
});
