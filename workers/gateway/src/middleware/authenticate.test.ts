import { describe, expect, it } from "vitest";
import { mintJwt, TEST_JWT } from "../../test/jwt-test-kit.ts";
import { createJwtVerifier } from "../auth/jwt-verifier.ts";
import { middlewareTestApp } from "../../test/middleware-test-app.ts";
import { authenticate } from "./authenticate.ts";

function setup(publicReads = false) {
  const app = middlewareTestApp();
  const verify = createJwtVerifier({ issuer: TEST_JWT.issuer, audience: TEST_JWT.audience, admin: TEST_JWT.admin, keys: { kind: "secret", secret: TEST_JWT.secret } });
  let reached = 0;
  app.use(authenticate({ verify, publicReads }));
  app.all("*", (c) => {
    reached++;
    return c.json(c.get("caller") ?? null);
  });
  return { app, reached: () => reached };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe("authenticate", () => {
  it("a valid token makes its sub and scope the caller, for reads and writes", async () => {
    const { app } = setup();
    const token = await mintJwt({ sub: "7", scope: "orders:write" });
    expect(await (await app.request("/x", { headers: bearer(token) })).json()).toEqual({ authenticated: true, sub: "7", scope: "orders:write" });
    expect(await (await app.request("/x", { method: "POST", headers: { Authorization: `bearer  ${token}` } })).json()).toMatchObject({ sub: "7" });
  });

  it("PUBLIC_READS gives everyone users:read, signed in or not", async () => {
    const { app } = setup(true);
    expect(await (await app.request("/x")).json()).toEqual({ authenticated: false, scope: "users:read" });
    expect(await (await app.request("/x", { headers: bearer(await mintJwt({ sub: "7", scope: "admin" })) })).json()).toMatchObject({ scope: "admin users:read" });
  });

  it("an anonymous read passes with no scope when PUBLIC_READS is off", async () => {
    const { app } = setup();
    expect(await (await app.request("/x", { method: "HEAD" })).status).toBe(200);
    expect(await (await app.request("/x")).json()).toEqual({ authenticated: false, scope: "" });
  });

  it.each(["POST", "PATCH", "DELETE", "PUT"])("%s without a token → 401 with a bare Bearer challenge; the handler never runs", async (method) => {
    const { app, reached } = setup(true);
    const res = await app.request("/api/users", { method, body: "{}", headers: { "content-type": "application/json" } });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="grpc-edge"');
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(await res.json()).toMatchObject({ status: 401, code: "unauthenticated", detail: "This request needs a bearer token." });
    expect(reached()).toBe(0);
  });

  it.each<[string, () => Promise<string>]>([
    ["an expired token", async () => `Bearer ${await mintJwt({ sub: "7", ttl: -3600 })}`],
    ["a token for another audience", async () => `Bearer ${await mintJwt({ sub: "7", claims: { aud: "other" } })}`],
    ["a forged signature", async () => `Bearer ${await mintJwt({ sub: "7", secret: "x".repeat(40) })}`],
    ["Basic credentials", async () => "Basic dXNlcjpwYXNz"],
    ["an empty Bearer", async () => "Bearer "],
  ])("%s → 401 invalid_token, even on a read, saying nothing about why", async (_, header) => {
    const { app, reached } = setup(true);
    const res = await app.request("/api/users/1", { headers: { authorization: await header() } });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="grpc-edge", error="invalid_token"');
    expect(await res.json()).toMatchObject({ code: "unauthenticated", detail: "The bearer token is invalid or expired." });
    expect(reached()).toBe(0);
  });
});
