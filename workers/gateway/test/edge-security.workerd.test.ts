// The edge's own defences in real workerd (the shipped bundle, Miniflare 5): end-user JWTs
// verified against a real JWKS endpoint, the RATE_LIMITER binding with a tiny limit, CORS,
// security headers and request limits. Upstream is a fixture user service that records
// every call and the service token it carried.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { UserService } from "@grpc-edge/proto/user/v1";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startJwksServer, type JwksServer } from "./jwks-server.ts";
import { bearerFor, mintJwt, TEST_JWT } from "./jwt-test-kit.ts";
import { startGateway, type RunningGateway } from "./start-gateway.ts";
import { createFixtureUserService } from "./user-fixtures.ts";

const tokensSeen: Record<string, unknown>[] = [];
const service = createFixtureUserService((ctx) => {
  tokensSeen.push(decodeJwt(ctx.requestHeader.get("authorization")!.replace(/^Bearer /, "")));
});
let upstream: http.Server;
let jwks: JwksServer;
let hs256: RunningGateway;
let viaJwks: RunningGateway;
/** A second JWKS gateway that no test warms up: its first requests are a cold isolate's. */
let coldJwks: RunningGateway;
let limited: RunningGateway;
let authLimited: RunningGateway;

beforeAll(async () => {
  upstream = http.createServer(connectNodeAdapter({ routes: (router) => router.service(UserService, service.impl) }));
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  const userServiceUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  jwks = await startJwksServer();
  [hs256, viaJwks, coldJwks, limited, authLimited] = await Promise.all([
    startGateway({ userServiceUrl, orderServiceUrl: userServiceUrl, vars: { PUBLIC_READS: "false", CORS_ALLOWED_ORIGINS: "https://app.example.com" } }),
    startGateway({ userServiceUrl, orderServiceUrl: userServiceUrl, vars: { JWT_SECRET: "", JWT_JWKS_URL: jwks.url } }),
    startGateway({ userServiceUrl, orderServiceUrl: userServiceUrl, vars: { JWT_SECRET: "", JWT_JWKS_URL: jwks.url } }),
    startGateway({ userServiceUrl, orderServiceUrl: userServiceUrl, rateLimit: { limit: 3, period: 60 } }),
    startGateway({ userServiceUrl, orderServiceUrl: userServiceUrl, authFailureLimit: { limit: 3, period: 60 } }),
  ]);
});
afterAll(async () => {
  await Promise.all([hs256?.stop(), viaJwks?.stop(), coldJwks?.stop(), limited?.stop(), authLimited?.stop(), jwks?.stop()]);
  upstream?.closeAllConnections();
  upstream?.close();
});
beforeEach(() => {
  service.calls.length = 0;
  tokensSeen.length = 0;
});

const now = () => Math.floor(Date.now() / 1000);

describe("end-user JWTs at the edge", () => {
  it("HS256: the verified sub and scope are what the services' token says", async () => {
    const res = await fetch(`${hs256.url}/api/users/1`, { headers: await bearerFor("1", "users:read") });
    expect(res.status).toBe(200);
    expect(tokensSeen).toEqual([expect.objectContaining({ iss: "grpc-edge-gateway", sub: "1", scope: "users:read" })]);
    // PUBLIC_READS is off here: anonymous reads carry no scope at all.
    await fetch(`${hs256.url}/api/users/1`);
    expect(tokensSeen[1]).toMatchObject({ scope: "" });
    expect(tokensSeen[1]!.sub).toBeUndefined();
  });

  it("admin comes from the identity provider's claim (ADMIN_CLAIM), never from a scope the client asked for", async () => {
    // User 2: no earlier test left her in the edge cache for these callers.
    await fetch(`${hs256.url}/api/users/2`, { headers: { authorization: `Bearer ${await mintJwt({ sub: "1", claims: { scope: "admin users:read" } })}` } });
    await fetch(`${hs256.url}/api/users/2`, { headers: { authorization: `Bearer ${await mintJwt({ sub: "1", claims: { roles: ["grpc-edge-admin"] } })}` } });
    expect(tokensSeen.map((t) => t.scope)).toEqual(["users:read", "admin"]);
  });

  it("JWKS: RS256 and ES256 tokens from the identity provider's key set verify; the set is fetched once", async () => {
    const before = jwks.fetches;
    // Four different pages, so the edge cache answers none of them: each reaches the service.
    for (const [i, kid] of ["rsa-1", "ec-1", "rsa-1", "ec-1"].entries()) {
      const token = await jwks.sign(kid, { iss: TEST_JWT.issuer, aud: TEST_JWT.audience, sub: "2", [TEST_JWT.admin.claim]: [TEST_JWT.admin.value], exp: now() + 60 });
      const res = await fetch(`${viaJwks.url}/api/users?pageSize=${i + 1}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status, kid).toBe(200);
    }
    expect(tokensSeen.map((t) => [t.sub, t.scope])).toEqual(Array(4).fill(["2", "admin users:read"]));
    expect(jwks.fetches - before).toBe(1);
    // The dev secret means nothing to a JWKS-configured edge.
    expect((await fetch(`${viaJwks.url}/api/users/2`, { headers: await bearerFor("2") })).status).toBe(401);
  });

  it("JWKS: a cold isolate's burst of tokens costs one key-set fetch, and a burst of unknown kids none more", async () => {
    const before = jwks.fetches;
    const claims = { iss: TEST_JWT.issuer, aud: TEST_JWT.audience, sub: "3", exp: now() + 60 };
    const known = await jwks.sign("rsa-1", claims);
    const burst = (token: string) =>
      Promise.all(Array.from({ length: 10 }, (_, i) => fetch(`${coldJwks.url}/api/users/${(i % 2) + 1}`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status)));
    expect(await burst(known)).toEqual(Array(10).fill(200));
    expect(jwks.fetches - before).toBe(1);
    await jwks.addKey("made-up", "ES256", false);
    expect(await burst(await jwks.sign("made-up", claims))).toEqual(Array(10).fill(401));
    expect(jwks.fetches - before).toBe(1);
  });

  it.each<[string, () => Promise<string>]>([
    ["expired", () => mintJwt({ sub: "1", ttl: -120 })],
    ["not yet valid", () => mintJwt({ sub: "1", claims: { nbf: now() + 300 } })],
    ["for another audience", () => mintJwt({ sub: "1", claims: { aud: "another-api" } })],
    ["forged", () => mintJwt({ sub: "1", secret: "an-attacker-secret-of-at-least-32-bytes" })],
  ])("a token that is %s → 401 invalid_token, no subrequest", async (_, token) => {
    const res = await fetch(`${hs256.url}/api/users/1`, { headers: { authorization: `Bearer ${await token()}` } });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="grpc-edge", error="invalid_token"');
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(await res.json()).toMatchObject({ status: 401, code: "unauthenticated", detail: "The bearer token is invalid or expired." });
    expect(service.calls).toEqual([]);
  });

  it("a write without a token → 401 at the edge, before the body is read, no subrequest", async () => {
    const res = await fetch(`${hs256.url}/api/users`, { method: "POST", headers: { "content-type": "application/json" }, body: "{not even json" });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="grpc-edge"');
    expect(service.calls).toEqual([]);
  });
});

describe("rate limiting (RATE_LIMITER binding, limit 3 per minute)", () => {
  it("counts per verified user: the 4th request → 429 with Retry-After; another user is unaffected", async () => {
    const ana = await bearerFor("11");
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await fetch(`${limited.url}/api/users/1`, { headers: ana })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const res = await fetch(`${limited.url}/api/users/1`, { headers: ana });
    expect(res.headers.get("retry-after")).toBe("60");
    expect(await res.json()).toMatchObject({ status: 429, code: "resource_exhausted", type: "https://grpc-edge.dev/problems/rate-limited" });
    expect((await fetch(`${limited.url}/api/users/1`, { headers: await bearerFor("12") })).status).toBe(200);
  });

  it("anonymous callers share their address's budget; /healthz is never limited", async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await fetch(`${limited.url}/api/users/1`)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    for (let i = 0; i < 5; i++) expect((await fetch(`${limited.url}/healthz`)).status).toBe(200);
  });

  it("anonymous IPv6 callers are counted per /64: rotating addresses inside it buys nothing", async () => {
    const from = async (ip: string) => (await fetch(`${limited.url}/api/users/2`, { headers: { "cf-connecting-ip": ip } })).status;
    const statuses = [];
    for (const ip of ["2001:db8:42:1::1", "2001:db8:42:1::2", "2001:db8:42:1::dead:beef", "2001:db8:42:1:ffff:ffff:ffff:ffff"]) statuses.push(await from(ip));
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(await from("2001:db8:42:2::1")).toBe(200);
  });
});

describe("failed authentications (AUTH_FAILURE_LIMITER binding, limit 3 per minute per client network)", () => {
  it("a network flooding bad tokens gets 429 before any token work, even with a good token; another network is unaffected", async () => {
    const forged = `Bearer ${await mintJwt({ sub: "1", secret: "an-attacker-secret-of-at-least-32-bytes" })}`;
    // Five addresses of one IPv6 /64: one budget between them.
    const statuses = [];
    for (let i = 1; i <= 5; i++) {
      statuses.push((await fetch(`${authLimited.url}/api/users/1`, { headers: { authorization: forged, "cf-connecting-ip": `2001:db8:7:7::${i}` } })).status);
    }
    // The 4th failure goes over the limit: from then on the network is refused outright.
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    const good = await bearerFor("1");
    const blocked = await fetch(`${authLimited.url}/api/users/1`, { headers: { ...good, "cf-connecting-ip": "2001:db8:7:7::abcd" } });
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get("retry-after")).toMatch(/^[1-9][0-9]*$/);
    expect(await blocked.json()).toMatchObject({ status: 429, type: "https://grpc-edge.dev/problems/rate-limited" });
    expect(service.calls).toEqual([]);
    const elsewhere = await fetch(`${authLimited.url}/api/users/1`, { headers: { ...good, "cf-connecting-ip": "2001:db8:7:8::1" } });
    expect(elsewhere.status).toBe(200);
  });
});

describe("CORS, security headers, limits", () => {
  it("an allowed origin's preflight is answered; another origin's → 403 problem JSON", async () => {
    const preflight = (origin: string) =>
      fetch(`${hs256.url}/api/users`, {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type,idempotency-key" },
      });
    const ok = await preflight("https://app.example.com");
    expect(ok.status).toBe(204);
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(ok.headers.get("access-control-allow-headers")).toContain("Authorization");
    expect(ok.headers.get("access-control-allow-headers")).toContain("Idempotency-Key");
    const refused = await preflight("https://evil.example");
    expect(refused.status).toBe(403);
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
    expect(await refused.json()).toMatchObject({ status: 403, type: "https://grpc-edge.dev/problems/cors-origin-not-allowed" });
    expect(service.calls).toEqual([]);
  });

  it("security headers on answers and errors; no-store on errors and authenticated answers", async () => {
    const open = await fetch(`${hs256.url}/api/users/1`);
    const personal = await fetch(`${hs256.url}/api/users/1`, { headers: await bearerFor("1") });
    const missing = await fetch(`${hs256.url}/api/nothing`);
    for (const res of [open, personal, missing]) {
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers.get("cross-origin-resource-policy")).toBe("same-origin");
    }
    // Never in a shared cache: no-store, or the edge cache's own "private" policy.
    expect(personal.headers.get("cache-control")).toMatch(/\b(no-store|private)\b/);
    expect(missing.headers.get("cache-control")).toBe("no-store");
    // Plain http here: no HSTS (it would be ignored, and mislead on a local run).
    expect(open.headers.get("strict-transport-security")).toBeNull();
  });

  it("a URL over 2 KiB → 414, a bad Idempotency-Key → 400, both without a subrequest", async () => {
    const long = await fetch(`${hs256.url}/api/users?pageToken=${"a".repeat(2100)}`);
    expect(long.status).toBe(414);
    expect(await long.json()).toMatchObject({ status: 414, type: "https://grpc-edge.dev/problems/uri-too-long" });
    const badKey = await fetch(`${hs256.url}/api/users`, {
      method: "POST",
      headers: { ...(await bearerFor("1", "admin")), "content-type": "application/json", "idempotency-key": "has spaces" },
      body: JSON.stringify({ firstName: "A", lastName: "B", email: "a@example.com" }),
    });
    expect(badKey.status).toBe(400);
    expect(service.calls).toEqual([]);
  });
});
