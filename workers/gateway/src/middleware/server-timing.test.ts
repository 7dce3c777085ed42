import { createRouterTransport } from "@connectrpc/connect";
import { UserService } from "@grpc-edge/proto/user/v1";
import { describe, expect, it } from "vitest";
import { createFixtureUserService } from "../../test/user-fixtures.ts";
import { createApp } from "../create-app.ts";
import type { AccessLogEntry } from "./access-log.ts";
import { publishedServices } from "../routing/published-services.ts";

function setup() {
  const logs: AccessLogEntry[] = [];
  const app = createApp({
    transport: createRouterTransport((router) => router.service(UserService, createFixtureUserService().impl)),
    services: publishedServices,
    log: (entry) => logs.push(entry),
  });
  return { app, logs };
}

const timing = /^upstream;dur=(\d+), total;dur=(\d+)$/;

describe("Server-Timing", () => {
  it.each([
    ["/api/users/1", 200],
    ["/api/users/999", 404],
  ])("GET %s (upstream called) → upstream and total; the access log has the same upstream time", async (path, status) => {
    const { app, logs } = setup();
    const res = await app.request(path);
    expect(res.status).toBe(status);
    const [, upstream, total] = timing.exec(res.headers.get("server-timing") ?? "") ?? [];
    expect(Number(upstream)).toBeLessThanOrEqual(Number(total));
    expect(logs[0]).toMatchObject({ rpc: "user.v1.UserService/GetUserById", upstreamMs: Number(upstream) });
  });

  it.each([
    ["/healthz", 200],
    ["/api/users/abc", 400],
    ["/api/nope", 404],
  ])("GET %s (no upstream call) → total only, and no upstream fields in the log", async (path, status) => {
    const { app, logs } = setup();
    const res = await app.request(path);
    expect(res.status).toBe(status);
    expect(res.headers.get("server-timing")).toMatch(/^total;dur=\d+$/);
    expect(logs[0]).not.toHaveProperty("upstreamMs");
    expect(logs[0]).not.toHaveProperty("rpc");
  });
});
