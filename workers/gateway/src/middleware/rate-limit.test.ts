import { describe, expect, it } from "vitest";
import type { Caller } from "../auth/caller.ts";
import { middlewareTestApp } from "../../test/middleware-test-app.ts";
import type { RateLimiterBinding } from "../context/app-env.ts";
import { rateLimit } from "./rate-limit.ts";

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

function setup(caller?: Caller) {
  const warnings: string[] = [];
  const app = middlewareTestApp();
  app.use(async (c, next) => {
    if (caller !== undefined) c.set("caller", caller);
    await next();
  });
  app.use(rateLimit({ retryAfterSeconds: 60, warn: (m) => warnings.push(m) }));
  app.get("*", (c) => c.text("ok"));
  return { app, warnings };
}

describe("rateLimit", () => {
  it("keys an authenticated caller by sub: over the limit → 429 problem JSON with Retry-After", async () => {
    const { app } = setup({ authenticated: true, sub: "7", scope: "" });
    const limiter = fakeLimiter(2);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await app.request("/api/users/7", {}, { RATE_LIMITER: limiter })).status);
    expect(statuses).toEqual([200, 200, 429]);
    expect(limiter.keys).toEqual(["user:7", "user:7", "user:7"]);
    const res = await app.request("/api/users/7", {}, { RATE_LIMITER: limiter });
    expect(res.headers.get("retry-after")).toBe("60");
    expect(await res.json()).toMatchObject({ status: 429, code: "resource_exhausted", type: "https://grpc-edge.dev/problems/rate-limited" });
  });

  it("keys anonymous callers by CF-Connecting-IP's network: an IPv4 address, an IPv6 /64", async () => {
    const { app } = setup({ authenticated: false, scope: "users:read" });
    const limiter = fakeLimiter(1);
    const from = (ip: string) => app.request("/api/users", { headers: { "cf-connecting-ip": ip } }, { RATE_LIMITER: limiter });
    expect((await from("203.0.113.1")).status).toBe(200);
    expect((await from("203.0.113.1")).status).toBe(429);
    expect((await from("203.0.113.2")).status).toBe(200);
    // Rotating through one /64 buys nothing: its second address is already over.
    expect((await from("2001:db8:1:2::1")).status).toBe(200);
    expect((await from("2001:db8:1:2::dead:beef")).status).toBe(429);
    expect((await from("2001:db8:1:3::1")).status).toBe(200);
    expect(limiter.keys).toEqual([
      "net:203.0.113.1",
      "net:203.0.113.1",
      "net:203.0.113.2",
      "net:2001:db8:1:2::/64",
      "net:2001:db8:1:2::/64",
      "net:2001:db8:1:3::/64",
    ]);
  });

  it("without the binding, or when it fails, lets requests through and says so once", async () => {
    const { app, warnings } = setup();
    expect((await app.request("/a", {}, {})).status).toBe(200);
    expect((await app.request("/a", {}, {})).status).toBe(200);
    const broken: RateLimiterBinding = { limit: () => Promise.reject(new Error("limiter down")) };
    expect((await app.request("/a", {}, { RATE_LIMITER: broken })).status).toBe(200);
    expect(warnings).toEqual(["RATE_LIMITER binding is absent: requests are not rate limited"]);
  });
});
