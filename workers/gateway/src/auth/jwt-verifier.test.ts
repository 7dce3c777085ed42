import { describe, expect, it, vi } from "vitest";
import { mintJwt, TEST_JWT } from "../../test/jwt-test-kit.ts";
import { createJwtVerifier, InvalidTokenError } from "./jwt-verifier.ts";

const hs256 = createJwtVerifier({ issuer: TEST_JWT.issuer, audience: TEST_JWT.audience, admin: TEST_JWT.admin, keys: { kind: "secret", secret: TEST_JWT.secret } });
const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: object) => btoa(JSON.stringify(value)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

// The JWKS path (RS256/ES256 from a key server) is in test/jwt-verifier-jwks.test.ts.
describe("createJwtVerifier with a shared secret (HS256)", () => {
  it.each<[string, Record<string, unknown>, string]>([
    ["a requested admin scope is dropped", { scope: "admin users:read" }, "users:read"],
    ["the identity provider's admin claim (an array) grants it", { roles: ["staff", "grpc-edge-admin"] }, "admin"],
    ["the admin claim as a string grants it", { roles: "grpc-edge-admin" }, "admin"],
    ["another value of the claim does not", { roles: ["grpc-edge-admins"], scope: "admin" }, ""],
    ["the value under another claim does not", { groups: ["grpc-edge-admin"] }, ""],
  ])("admin comes from the identity provider's claim only: %s", async (_case, claims, scope) => {
    expect((await hs256(await mintJwt({ sub: "7", claims }))).scope).toBe(scope);
  });

  it("remembers a verified token until it expires (plus the clock skew), never longer", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const verify = createJwtVerifier({ issuer: TEST_JWT.issuer, audience: TEST_JWT.audience, admin: TEST_JWT.admin, keys: { kind: "secret", secret: TEST_JWT.secret } });
      const token = await mintJwt({ sub: "7", ttl: 60 });
      expect(await verify(token)).toEqual({ sub: "7", scope: "" });
      vi.setSystemTime(Date.now() + (60 + 29) * 1000);
      expect(await verify(token)).toEqual({ sub: "7", scope: "" });
      vi.setSystemTime(Date.now() + 2 * 1000);
      await expect(verify(token)).rejects.toThrow(InvalidTokenError);
    } finally {
      vi.useRealTimers();
    }
  });

  it("carries the token's own jti, for the audit trail", async () => {
    expect(await hs256(await mintJwt({ sub: "7", claims: { jti: "jwt-42" } }))).toEqual({ sub: "7", scope: "", jti: "jwt-42" });
  });

  it.each([42, "j".repeat(257)])("ignores a jti that is no string of at most 256 characters (%j): the token still verifies", async (jti) => {
    expect(await hs256(await mintJwt({ sub: "7", claims: { jti: jti as string } }))).toEqual({ sub: "7", scope: "" });
  });

  it("returns the user id and scopes of a valid token", async () => {
    expect(await hs256(await mintJwt({ sub: "7", scope: "users:read  admin" }))).toEqual({ sub: "7", scope: "users:read admin" });
    expect(await hs256(await mintJwt({ sub: "2147483647" }))).toEqual({ sub: "2147483647", scope: "" });
  });

  it("tolerates 30 s of clock skew on exp and nbf, not more", async () => {
    await expect(hs256(await mintJwt({ sub: "1", ttl: -20 }))).resolves.toMatchObject({ sub: "1" });
    await expect(hs256(await mintJwt({ sub: "1", ttl: -40 }))).rejects.toThrow(InvalidTokenError);
    await expect(hs256(await mintJwt({ sub: "1", claims: { nbf: now() + 20 } }))).resolves.toMatchObject({ sub: "1" });
    await expect(hs256(await mintJwt({ sub: "1", claims: { nbf: now() + 60 } }))).rejects.toThrow(InvalidTokenError);
  });

  it.each<[string, () => Promise<string>]>([
    ["another secret", () => mintJwt({ sub: "1", secret: "some-other-secret-of-at-least-32-bytes" })],
    ["HS512 (not on the allow-list)", () => mintJwt({ sub: "1", alg: "HS512" })],
    ["alg none", async () => `${b64({ alg: "none", typ: "JWT" })}.${b64({ iss: TEST_JWT.issuer, aud: TEST_JWT.audience, sub: "1", exp: now() + 60 })}.`],
    ["another issuer", () => mintJwt({ sub: "1", claims: { iss: "https://evil.example/" } })],
    ["another audience", () => mintJwt({ sub: "1", claims: { aud: "someone-else" } })],
    ["no exp", () => mintJwt({ sub: "1", claims: { exp: undefined } })],
    ["no sub", () => mintJwt({})],
    ["a sub that is no user id", () => mintJwt({ sub: "auth0|123" })],
    ["sub 0", () => mintJwt({ sub: "0" })],
    ["sub beyond 32 bits", () => mintJwt({ sub: "2147483648" })],
    ["a scope that is not a string", () => mintJwt({ sub: "1", claims: { scope: ["admin"] } })],
    ["a scope with a quote", () => mintJwt({ sub: "1", scope: 'admin "x' })],
    ["garbage", async () => "not.a.jwt"],
    ["an empty string", async () => ""],
  ])("refuses a token with %s", async (_, token) => {
    await expect(hs256(await token())).rejects.toThrow(InvalidTokenError);
  });
});
