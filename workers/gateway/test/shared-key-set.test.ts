// The key set shared by a location's isolates through the Cache API (here: two getters, one
// in-memory cache standing in for it), against a real JWKS endpoint that counts its fetches.
import { jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JWKS_MAX_AGE_S, JWKS_MIN_AGE_S, sharedKeySet } from "../src/auth/shared-key-set.ts";
import { startJwksServer, type JwksServer } from "./jwks-server.ts";
import { createMemoryCache } from "./memory-cache.ts";

let jwks: JwksServer;
beforeAll(async () => {
  jwks = await startJwksServer();
});
afterAll(() => jwks?.stop());

const token = (kid: string) => jwks.sign(kid, { sub: "1", exp: Math.floor(Date.now() / 1000) + 60 });
const verifies = (keys: ReturnType<typeof sharedKeySet>, jwt: string) =>
  jwtVerify(jwt, keys).then(
    () => true,
    () => false,
  );

describe("sharedKeySet", () => {
  it("concurrent tokens with a kid nobody publishes cost one fetch, not one each", async () => {
    const keys = sharedKeySet({ url: jwks.url });
    const before = jwks.fetches;
    const unknown = await token("rsa-1").then(() => jwks.addKey("never-published", "ES256", false)).then(() => token("never-published"));
    const results = await Promise.all(Array.from({ length: 10 }, () => verifies(keys, unknown)));
    expect(results).toEqual(Array(10).fill(false));
    expect(jwks.fetches - before).toBe(1);
    // Within the cool-down, known kids verify and unknown ones still cost nothing.
    expect(await verifies(keys, await token("rsa-1"))).toBe(true);
    expect(await verifies(keys, unknown)).toBe(false);
    expect(jwks.fetches - before).toBe(1);
  });

  it("concurrent first tokens of a new isolate share one fetch", async () => {
    const keys = sharedKeySet({ url: jwks.url });
    const before = jwks.fetches;
    const jwt = await token("ec-1");
    expect(await Promise.all(Array.from({ length: 8 }, () => verifies(keys, jwt)))).toEqual(Array(8).fill(true));
    expect(jwks.fetches - before).toBe(1);
  });

  it("another isolate of the location finds the set in the Cache API and fetches nothing", async () => {
    const { cache } = createMemoryCache();
    const first = sharedKeySet({ url: jwks.url, cache: () => cache });
    const second = sharedKeySet({ url: jwks.url, cache: () => cache });
    const before = jwks.fetches;
    expect(await verifies(first, await token("rsa-1"))).toBe(true);
    expect(await verifies(second, await token("ec-1"))).toBe(true);
    expect(jwks.fetches - before).toBe(1);
  });

  it.each([
    ["max-age=5", JWKS_MIN_AGE_S],
    ["public, max-age=900", 900],
    ["max-age=86400", JWKS_MAX_AGE_S],
    [undefined, 600],
  ])("keeps the set as long as the provider's Cache-Control %s says, within bounds: %d s", async (header, seconds) => {
    const memory = createMemoryCache();
    jwks.cacheControl = header;
    try {
      const keys = sharedKeySet({ url: jwks.url, cache: () => memory.cache });
      expect(await verifies(keys, await token("rsa-1"))).toBe(true);
      memory.advance(seconds * 1000 - 1);
      expect(await memory.cache.match(jwks.url)).toBeDefined();
      memory.advance(1);
      expect(await memory.cache.match(jwks.url)).toBeUndefined();
    } finally {
      jwks.cacheControl = undefined;
    }
  });
});
