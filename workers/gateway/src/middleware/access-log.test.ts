import { createRouterTransport } from "@connectrpc/connect";
import { UserService } from "@grpc-edge/proto/user/v1";
import { describe, expect, it } from "vitest";
import { createFixtureUserService } from "../../test/user-fixtures.ts";
import { createApp } from "../create-app.ts";
import type { AccessLogEntry } from "./access-log.ts";
import { publishedServices } from "../routing/published-services.ts";

describe("access log", () => {
  it("writes one line per request with request id, trace id, status, durations and the RPC", async () => {
    const logs: AccessLogEntry[] = [];
    const app = createApp({
      transport: createRouterTransport((router) => router.service(UserService, createFixtureUserService().impl)),
      services: publishedServices,
      log: (entry) => logs.push(entry),
    });
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    await app.request("/api/users/1", { headers: { "x-request-id": "r-1", traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
    await app.request("/healthz", { headers: { "x-request-id": "r-2" } });
    expect(logs).toEqual([
      {
        method: "GET",
        path: "/api/users/1",
        status: 200,
        durationMs: expect.any(Number),
        requestId: "r-1",
        traceId,
        rpc: "user.v1.UserService/GetUserById",
        upstreamMs: expect.any(Number),
      },
      { method: "GET", path: "/healthz", status: 200, durationMs: expect.any(Number), requestId: "r-2", traceId: expect.stringMatching(/^[0-9a-f]{32}$/) },
    ]);
    expect(logs[1]!.traceId).not.toBe(traceId);
  });
});
