import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { Health } from "@grpc-edge/proto/grpc/health/v1";
import { describe, expect, it } from "vitest";
import { parsePrometheusText } from "../../testing/index.ts";
import { createServiceMetrics } from "./create-service-metrics.ts";
import { metricsInterceptor } from "./metrics-interceptor.ts";

const rpc = "grpc.health.v1.Health/Check";

function service() {
  const metrics = createServiceMetrics(() => ({ max: 10, total: 3, idle: 2, waiting: 0 }));
  let inFlightDuringCall: number | undefined;
  const client = createClient(
    Health,
    createRouterTransport(
      ({ service }) =>
        service(Health, {
          async check(req) {
            inFlightDuringCall = (await metrics.inFlight.get()).values.find((v) => v.labels.rpc === rpc)?.value;
            if (req.service === "missing") throw new ConnectError("no such service", Code.NotFound);
            if (req.service === "broken") throw new Error("a bug");
            return { status: 1 };
          },
          async *watch(req) {
            yield { status: 1 };
            if (req.service === "broken") throw new Error("a bug mid-stream");
          },
        }),
      { router: { interceptors: [metricsInterceptor(metrics)] } },
    ),
  );
  const scrape = async () => parsePrometheusText(await metrics.registry.metrics());
  return { client, scrape, inFlight: () => inFlightDuringCall };
}

describe("metricsInterceptor", () => {
  it("counts RPCs by code, server faults as errors, and times each one", async () => {
    const { client, scrape, inFlight } = service();
    const before = await scrape();
    expect(before.value("rpc_server_requests_total", { rpc })).toBeUndefined();
    await client.check({ service: "" });
    expect(inFlight()).toBe(1);
    await client.check({ service: "" });
    await expect(client.check({ service: "missing" })).rejects.toMatchObject({ code: Code.NotFound });
    await expect(client.check({ service: "broken" })).rejects.toMatchObject({ code: Code.Internal });

    const after = await scrape();
    expect(after.types.get("rpc_server_requests_total")).toBe("counter");
    expect(after.types.get("rpc_server_duration_seconds")).toBe("histogram");
    expect(after.value("rpc_server_requests_total", { rpc, code: "ok" })).toBe(2);
    expect(after.value("rpc_server_requests_total", { rpc, code: "not_found" })).toBe(1);
    expect(after.value("rpc_server_requests_total", { rpc, code: "internal" })).toBe(1);
    // A caller's mistake is not a server error.
    expect(after.value("rpc_server_errors_total", { rpc, code: "not_found" })).toBeUndefined();
    expect(after.value("rpc_server_errors_total", { rpc, code: "internal" })).toBe(1);
    expect(after.value("rpc_server_duration_seconds_count", { rpc })).toBe(4);
    expect(after.value("rpc_server_duration_seconds_bucket", { rpc, le: "+Inf" })).toBe(4);
    // Buckets are cumulative: each one holds at most what the next holds.
    const buckets = after.samples.filter((s) => s.name === "rpc_server_duration_seconds_bucket" && s.labels.rpc === rpc).map((s) => s.value);
    expect(buckets).toHaveLength(14);
    expect(buckets).toEqual([...buckets].sort((a, b) => a - b));
    expect(after.value("rpc_server_in_flight", { rpc })).toBe(0);
  });

  it("reports the database pool at scrape time, and the process metrics", async () => {
    const after = await service().scrape();
    expect(after.value("db_pool_max_connections")).toBe(10);
    expect(after.value("db_pool_connections")).toBe(3);
    expect(after.value("db_pool_idle_connections")).toBe(2);
    expect(after.value("db_pool_waiting_queries")).toBe(0);
    expect(after.value("process_resident_memory_bytes")).toBeGreaterThan(0);
    expect(after.types.get("nodejs_eventloop_lag_seconds")).toBe("gauge");
  });

  it("counts a stream by its outcome when it ends, without timing it", async () => {
    const { client, scrape } = service();
    const watch = "grpc.health.v1.Health/Watch";
    const it = client.watch({ service: "" })[Symbol.asyncIterator]();
    await it.next();
    expect((await scrape()).value("rpc_server_requests_total", { rpc: watch, code: "ok" })).toBeUndefined();
    expect(await it.next()).toMatchObject({ done: true });
    await expect((async () => {
      for await (const _ of client.watch({ service: "broken" }));
    })()).rejects.toMatchObject({ code: Code.Internal });
    const after = await scrape();
    expect(after.value("rpc_server_requests_total", { rpc: watch, code: "ok" })).toBe(1);
    expect(after.value("rpc_server_errors_total", { rpc: watch, code: "internal" })).toBe(1);
    expect(after.value("rpc_server_duration_seconds_count", { rpc: watch })).toBeUndefined();
  });
});
