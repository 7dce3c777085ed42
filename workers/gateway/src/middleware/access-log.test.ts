import { createRouterTransport } from "@connectrpc/connect";
import { UserService } from "@grpc-edge/proto/user/v1";
import { describe, expect, it } from "vitest";
import { mintJwt, TEST_JWT } from "../../test/jwt-test-kit.ts";
import { createFixtureUserService } from "../../test/user-fixtures.ts";
import { createJwtVerifier } from "../auth/jwt-verifier.ts";
import { createApp } from "../create-app.ts";
import { Hono } from "hono";
import type { AppEnv } from "../context/app-env.ts";
import { accessLog, type AccessLogEntry } from "./access-log.ts";
import { requestId } from "./request-id.ts";
import { traceContext } from "./trace-context.ts";
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
        rpcCode: "ok",
        authz: "none",
      },
      { method: "GET", path: "/healthz", status: 200, durationMs: expect.any(Number), requestId: "r-2", traceId: expect.stringMatching(/^[0-9a-f]{32}$/), authz: "none" },
    ]);
    expect(logs[1]!.traceId).not.toBe(traceId);
  });

  it("says who acted: the verified sub, her token's jti, the edge's decision and the outcome; never a token, never an email", async () => {
    const lines: string[] = [];
    const fixture = createFixtureUserService();
    const app = createApp({
      transport: createRouterTransport((router) => router.service(UserService, fixture.impl)),
      services: publishedServices,
      log: (entry) => lines.push(JSON.stringify(entry)),
      edge: {
        verify: createJwtVerifier({ issuer: TEST_JWT.issuer, audience: TEST_JWT.audience, admin: TEST_JWT.admin, keys: { kind: "secret", secret: TEST_JWT.secret } }),
        publicReads: true,
        corsAllowedOrigins: [],
        rateLimitPeriodSeconds: 60,
        authFailurePeriodSeconds: 60,
      },
    });
    const token = await mintJwt({ sub: "1", claims: { jti: "tok-audit-1" } });
    const forged = await mintJwt({ sub: "1", claims: { jti: "tok-forged" }, secret: "an-attacker-secret-of-at-least-32-bytes" });
    const answers = [
      await app.request("/api/users/1", { headers: { authorization: `Bearer ${token}` } }),
      await app.request("/api/users/1", { headers: { authorization: `Bearer ${forged}` } }),
      await app.request("/api/users/2"),
      await app.request("/api/users", { method: "POST", body: "{}" }),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 401, 200, 401]);
    // The answer carried her email; the log must not.
    expect(await answers[0]!.text()).toContain("@");
    const entries = lines.map((line) => JSON.parse(line) as AccessLogEntry);
    expect(entries.map(({ status, authz, sub, jti, rpcCode }) => ({ status, authz, sub, jti, rpcCode }))).toEqual([
      { status: 200, authz: "token", sub: "1", jti: "tok-audit-1", rpcCode: "ok" },
      // A token that does not verify says nothing: its claims are not facts.
      { status: 401, authz: "denied", sub: undefined, jti: undefined, rpcCode: undefined },
      { status: 200, authz: "public-read", sub: undefined, jti: undefined, rpcCode: "ok" },
      { status: 401, authz: "denied", sub: undefined, jti: undefined, rpcCode: undefined },
    ]);
    for (const line of lines) {
      expect(line).not.toContain(token.split(".")[1]!);
      expect(line).not.toContain(forged.split(".")[2]!);
      expect(line).not.toContain("@");
    }
  });
});

describe("access log of a streamed answer", () => {
  it("waits for the stream's end (c.var.streamEnded) and records how it ended, not how it began", async () => {
    const logs: AccessLogEntry[] = [];
    const app = new Hono<AppEnv>();
    app.use(requestId());
    app.use(traceContext(undefined));
    app.use(accessLog((entry) => logs.push(entry)));
    let endStream: () => void = () => {};
    app.post("/orders.v1.OrderService/WatchOrders", (c) => {
      const upstream = { rpc: "orders.v1.OrderService/WatchOrders", route: c.req.path, spanId: "00f067aa0ba902b7", startMs: 0, endMs: 0, code: "ok" };
      c.set("upstream", upstream);
      c.set("streamEnded", new Promise<void>((resolve) => (endStream = () => (c.set("upstream", { ...upstream, code: "canceled" }), resolve()))));
      return c.body("frames…");
    });
    const res = await app.request("/orders.v1.OrderService/WatchOrders", { method: "POST", headers: { "x-request-id": "s-1" } });
    expect(res.status).toBe(200);
    expect(logs).toEqual([]);
    endStream();
    await expect.poll(() => logs).toEqual([expect.objectContaining({ requestId: "s-1", status: 200, rpcCode: "canceled" })]);
  });
});
