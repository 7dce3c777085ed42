// createJwtVerifier's production path: RS256/ES256 keys from a real JWKS endpoint on
// 127.0.0.1 (here, not beside the source: the key server needs Node's http).
import { Code, ConnectError } from "@connectrpc/connect";
import { SignJWT } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createJwtVerifier, InvalidTokenError } from "../src/auth/jwt-verifier.ts";
import { startJwksServer, type JwksServer } from "./jwks-server.ts";
import { TEST_JWT } from "./jwt-test-kit.ts";

const now = () => Math.floor(Date.now() / 1000);

describe("createJwtVerifier with a JWKS URL (RS256/ES256)", () => {
  let jwks: JwksServer;
  const claims = () => ({ iss: TEST_JWT.issuer, aud: TEST_JWT.audience, sub: "5", [TEST_JWT.admin.claim]: [TEST_JWT.admin.value], exp: now() + 300 });
  const verifier = () => createJwtVerifier({ issuer: TEST_JWT.issuer, audience: TEST_JWT.audience, admin: TEST_JWT.admin, keys: { kind: "jwks", url: jwks.url } });
  beforeAll(async () => {
    jwks = await startJwksServer();
  });
  afterAll(() => jwks?.stop());
  afterEach(() => vi.useRealTimers());

  it("verifies RS256 and ES256 tokens, fetching the key set once for many tokens", async () => {
    const verify = verifier();
    const before = jwks.fetches;
    for (let i = 0; i < 5; i++) {
      expect(await verify(await jwks.sign("rsa-1", claims()))).toEqual({ sub: "5", scope: "admin" });
      expect(await verify(await jwks.sign("ec-1", claims()))).toEqual({ sub: "5", scope: "admin" });
    }
    expect(jwks.fetches - before).toBe(1);
  });

  it("refuses HS256 signed with the published RSA key as secret (algorithm confusion), and a forged signature under a known kid", async () => {
    const verify = verifier();
    const { keys } = (await (await fetch(jwks.url)).json()) as { keys: { kid: string }[] };
    const publicJwk = JSON.stringify(keys.find((k) => k.kid === "rsa-1"));
    const confused = await new SignJWT(claims()).setProtectedHeader({ alg: "HS256", kid: "rsa-1" }).sign(new TextEncoder().encode(publicJwk));
    await expect(verify(confused)).rejects.toThrow(InvalidTokenError);
    // A key of the attacker's own, presented under the issuer's kid.
    const forger = await startJwksServer();
    const forged = await forger.sign("rsa-1", claims());
    await forger.stop();
    await expect(verify(forged)).rejects.toThrow(InvalidTokenError);
    expect(await verify(await jwks.sign("rsa-1", claims()))).toMatchObject({ sub: "5" });
  });

  it("refetches for an unknown kid at most once a minute, so a rotated-in key is found", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const verify = verifier();
    await verify(await jwks.sign("rsa-1", claims()));
    const afterFirst = jwks.fetches;
    // A kid nobody publishes: within the cooldown, no refetch; the token is simply invalid.
    await jwks.addKey("unpublished", "ES256", false);
    await expect(verify(await jwks.sign("unpublished", claims()))).rejects.toThrow(InvalidTokenError);
    await expect(verify(await jwks.sign("unpublished", claims()))).rejects.toThrow(InvalidTokenError);
    expect(jwks.fetches).toBe(afterFirst);
    // The issuer rotates a new key in; a minute later its first token triggers one refetch.
    await jwks.addKey("rsa-2", "RS256");
    vi.setSystemTime(Date.now() + 61_000);
    expect(await verify(await jwks.sign("rsa-2", claims()))).toMatchObject({ sub: "5" });
    expect(jwks.fetches).toBe(afterFirst + 1);
    // Right after that refetch, another unknown kid costs no fetch.
    await expect(verify(await jwks.sign("unpublished", claims()))).rejects.toThrow(InvalidTokenError);
    expect(jwks.fetches).toBe(afterFirst + 1);
  });

  it("a key set that cannot be fetched is UNAVAILABLE (503), not the caller's fault", async () => {
    const down = createJwtVerifier({ issuer: TEST_JWT.issuer, audience: TEST_JWT.audience, admin: TEST_JWT.admin, keys: { kind: "jwks", url: "http://127.0.0.1:9/jwks" } });
    const err = await down(await jwks.sign("rsa-1", claims())).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(Code.Unavailable);
    // Garbage never reaches the key set: still a bad token.
    await expect(down("not.a.jwt")).rejects.toThrow(InvalidTokenError);
  });
});
