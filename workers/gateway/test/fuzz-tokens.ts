import { mintJwt } from "./jwt-test-kit.ts";
import type { TokenSet } from "./rest-fuzz-arbitraries.ts";

const b64url = (value: object) => btoa(JSON.stringify(value)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");

/** End-user tokens for the fuzz tests (TEST_JWT's issuer, audience and secret): some verify, some must not. */
export async function fuzzTokens(): Promise<TokenSet> {
  const now = Math.floor(Date.now() / 1000);
  return {
    valid: await Promise.all([
      mintJwt({ sub: "9", scope: "admin" }),
      mintJwt({ sub: "1" }),
      mintJwt({ sub: "2", scope: "users:read" }),
      mintJwt({ sub: "2147483647", scope: "odd:scope another" }),
    ]),
    invalid: await Promise.all([
      mintJwt({ sub: "1", secret: "an-entirely-different-secret-0123456789" }),
      mintJwt({ sub: "1", ttl: -3600 }),
      mintJwt({ sub: "0" }),
      mintJwt({ sub: "abc" }),
      mintJwt({ sub: "1", alg: "HS512" }),
      mintJwt({ claims: { sub: undefined } }),
      Promise.resolve(`${b64url({ alg: "none", typ: "JWT" })}.${b64url({ sub: "1", exp: now + 300 })}.`),
    ]),
  };
}
