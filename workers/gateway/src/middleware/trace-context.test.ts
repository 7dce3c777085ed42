import { createRouterTransport } from "@connectrpc/connect";
import { UserService } from "@grpc-edge/proto/user/v1";
import { describe, expect, it } from "vitest";
import { createFixtureUserService } from "../../test/user-fixtures.ts";
import { createApp } from "../create-app.ts";
import type { GatewaySpan } from "../tracing/gateway-span.ts";
import { publishedServices } from "../routing/published-services.ts";

const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
const callerSpan = "00f067aa0ba902b7";

function setup(options: { export?: boolean } = { export: true }) {
  const service = createFixtureUserService();
  const exported: GatewaySpan[][] = [];
  const app = createApp({
    transport: createRouterTransport((router) => router.service(UserService, service.impl)),
    services: publishedServices,
    log: () => {},
    ...(options.export ? { traceExporter: async (spans: readonly GatewaySpan[]) => void exported.push([...spans]) } : {}),
  });
  return { app, calls: service.calls, exported };
}

describe("trace context at the edge", () => {
  it("continues an incoming trace: upstream traceparent has the same trace id and the gateway's client span as parent", async () => {
    const { app, calls, exported } = setup();
    const res = await app.request("/api/users/1", { headers: { traceparent: `00-${traceId}-${callerSpan}-01`, tracestate: "vendor=abc" } });
    expect(res.status).toBe(200);
    expect(exported).toHaveLength(1);
    const [server, client] = exported[0]!;
    expect(server).toMatchObject({
      traceId,
      parentSpanId: callerSpan,
      kind: "server",
      name: "GET /api/users/{id}",
      attributes: { "http.request.method": "GET", "http.route": "/api/users/{id}", "http.response.status_code": 200 },
    });
    expect(client).toMatchObject({
      traceId,
      parentSpanId: server!.spanId,
      kind: "client",
      name: "user.v1.UserService/GetUserById",
      attributes: { "rpc.system": "connect_rpc", "rpc.service": "user.v1.UserService", "rpc.method": "GetUserById", "rpc.response.status_code": "ok" },
    });
    expect(server!.error).toBeUndefined();
    expect(calls[0]).toMatchObject({ traceparent: `00-${traceId}-${client!.spanId}-01`, tracestate: "vendor=abc" });
  });

  it.each([undefined, "00-nonsense", `00-${traceId}-${"0".repeat(16)}-01`])("starts a new sampled trace when traceparent is %j", async (traceparent) => {
    const { app, calls, exported } = setup();
    await app.request("/api/users/1", traceparent === undefined ? {} : { headers: { traceparent, tracestate: "dropped=1" } });
    const [server, client] = exported[0]!;
    expect(server!.traceId).toMatch(/^(?!0{32})[0-9a-f]{32}$/);
    expect(server!.traceId).not.toBe(traceId);
    expect(server!.parentSpanId).toBeUndefined();
    expect(server!.spanId).not.toBe(client!.spanId);
    expect(calls[0]).toMatchObject({ traceparent: `00-${server!.traceId}-${client!.spanId}-01`, tracestate: null });
  });

  it("respects an unsampled caller: nothing exported, the flag passed on", async () => {
    const { app, calls, exported } = setup();
    await app.request("/api/users/1", { headers: { traceparent: `00-${traceId}-${callerSpan}-00` } });
    expect(exported).toEqual([]);
    expect(calls[0]!.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-00$`));
  });

  it("a failed upstream call marks the client span; a 5xx marks the server span", async () => {
    const { app, exported } = setup();
    expect((await app.request("/api/users/999")).status).toBe(404);
    const [server, client] = exported[0]!;
    expect(server!.error).toBeUndefined();
    expect(client).toMatchObject({ error: "not_found", attributes: { "rpc.response.status_code": "not_found" } });
  });

  it("requests without an upstream call export their server span alone", async () => {
    const { app, exported } = setup();
    await app.request("/healthz");
    expect(exported.map((spans) => spans.map((s) => [s.kind, s.name]))).toEqual([[["server", "GET"]]]);
  });

  it("without an exporter still propagates a trace upstream", async () => {
    const { app, calls } = setup({ export: false });
    await app.request("/api/users/1", { headers: { traceparent: `00-${traceId}-${callerSpan}-01` } });
    expect(calls[0]!.traceparent).toMatch(new RegExp(`^00-${traceId}-(?!${callerSpan})[0-9a-f]{16}-01$`));
  });
});
