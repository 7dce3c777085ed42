import { describe, expect, it } from "vitest";
import { middlewareTestApp } from "../../test/middleware-test-app.ts";
import type { RateLimiterBinding } from "../context/app-env.ts";
import { unauthenticated } from "../errors/gateway-error.ts";
import { authFailureLimit } from "./auth-failure-limit.ts";

/** Counts per key like the binding does within one window. */
function fakeLimiter(limit: number): RateLimiterBinding & { keys: string[] } {
  const counts = new Map<string, number>();
  const keys: string[] = [];
  return {
    keys,
    async limit({ key }) {
      keys.push(key);
      counts.set(key, (counts.get(key) ?? 0) + 1);
      return { success: counts.get(key)! <= limit };
    },
  };
}

/**
 * "/bad" fails authentication, "/good" succeeds, "/upstream-401" passes it and then meets a
 * service's 401; `tokenWork` counts the requests that got past the limiter.
 */
function setup(options: { maxBlocked?: number } = {}) {
  const warnings: string[] = [];
  const counter = { tokenWork: 0 };
  const app = middlewareTestApp();
  app.use(authFailureLimit({ blockSeconds: 60, warn: (m) => warnings.push(m), ...options }));
  app.use(async (c, next) => {
    counter.tokenWork++;
    c.set("authz", c.req.path === "/bad" ? "denied" : "token");
    if (c.req.path === "/bad" || c.req.path === "/upstream-401") throw unauthenticated("invalid");
    await next();
  });
  app.get("*", (c) => c.text("ok"));
  return { app, warnings, counter };
}

describe("authFailureLimit", () => {
  it("counts 401s per client network; over the budget the network gets 429 before any token work, other networks do not", async () => {
    const { app, counter } = setup();
    const limiter = fakeLimiter(2);
    const from = (ip: string, path: string) => app.request(path, { headers: { "cf-connecting-ip": ip } }, { AUTH_FAILURE_LIMITER: limiter });
    const statuses = [];
    // Three addresses of one /64 flood bad tokens: one budget between them.
    for (const ip of ["2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2::3", "2001:db8:1:2::4", "2001:db8:1:2::5"]) statuses.push((await from(ip, "/bad")).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    // The third failure went over: the binding is not asked again, and no token is looked at.
    expect(limiter.keys).toEqual(Array(3).fill("auth-failure:2001:db8:1:2::/64"));
    expect(counter.tokenWork).toBe(3);
    const blocked = await from("2001:db8:1:2::9", "/good");
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(blocked.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    expect(blocked.headers.get("content-type")).toBe("application/problem+json");
    expect(await blocked.json()).toMatchObject({ status: 429, type: "https://grpc-edge.dev/problems/rate-limited" });
    expect((await from("2001:db8:1:3::1", "/good")).status).toBe(200);
    expect((await from("203.0.113.9", "/bad")).status).toBe(401);
  });

  it("counts neither successes nor a 401 from a service after the edge let the caller in", async () => {
    const { app } = setup();
    const limiter = fakeLimiter(1);
    for (let i = 0; i < 5; i++) expect((await app.request("/good", { headers: { "cf-connecting-ip": "203.0.113.1" } }, { AUTH_FAILURE_LIMITER: limiter })).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await app.request("/upstream-401", { headers: { "cf-connecting-ip": "203.0.113.1" } }, { AUTH_FAILURE_LIMITER: limiter })).status).toBe(401);
    expect(limiter.keys).toEqual([]);
  });

  it("keeps at most maxBlocked networks blocked, dropping the oldest block first", async () => {
    const { app } = setup({ maxBlocked: 2 });
    const limiter = fakeLimiter(0);
    const from = (ip: string, path: string) => app.request(path, { headers: { "cf-connecting-ip": ip } }, { AUTH_FAILURE_LIMITER: limiter });
    for (const ip of ["198.51.100.1", "198.51.100.2", "198.51.100.3"]) expect((await from(ip, "/bad")).status).toBe(401);
    expect((await from("198.51.100.1", "/good")).status).toBe(200);
    expect((await from("198.51.100.2", "/good")).status).toBe(429);
    expect((await from("198.51.100.3", "/good")).status).toBe(429);
  });

  it("without the binding, or when it fails, refuses nothing and says so once", async () => {
    const { app, warnings } = setup();
    for (let i = 0; i < 3; i++) expect((await app.request("/bad", {}, {})).status).toBe(401);
    const broken: RateLimiterBinding = { limit: () => Promise.reject(new Error("limiter down")) };
    expect((await app.request("/bad", {}, { AUTH_FAILURE_LIMITER: broken })).status).toBe(401);
    expect((await app.request("/good", {}, { AUTH_FAILURE_LIMITER: broken })).status).toBe(200);
    expect(warnings).toEqual(["AUTH_FAILURE_LIMITER binding is absent: failed authentications are not limited"]);
  });
});
