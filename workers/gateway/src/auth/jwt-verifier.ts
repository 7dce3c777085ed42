import { Code, ConnectError } from "@connectrpc/connect";
import { errors, jwtVerify, type JWTVerifyGetKey } from "jose";
import { sharedKeySet, type KeySetCache } from "./shared-key-set.ts";

/** How end-user JWTs are verified at the edge (docs/security.md). */
export interface JwtConfig {
  issuer: string;
  audience: string;
  /** HS256 with a shared secret (development), or RS256/ES256 keys from a JWKS URL (production). */
  keys: { kind: "secret"; secret: string } | { kind: "jwks"; url: string };
  /** The claim (and its value) by which the identity provider marks administrators. */
  admin: { claim: string; value: string };
}

/** What a verified end-user token tells the edge. */
export interface VerifiedToken {
  /** The user id (decimal, 1…2³¹−1), as the services expect it in the service token. */
  sub: string;
  /** Space-separated scopes, possibly ""; `admin` only from the identity provider's admin claim. */
  scope: string;
  /** The token's own id (`jti`), for the audit trail; undefined when it has none. */
  jti?: string;
}

export type JwtVerifier = (token: string) => Promise<VerifiedToken>;

/** Thrown for any token that does not verify; deliberately says nothing about which check failed. */
export class InvalidTokenError extends Error {
  override name = "InvalidTokenError";
}

/** Clock difference tolerated for exp and nbf, in seconds. */
export const JWT_CLOCK_SKEW_S = 30;
/** The location's Cache API, where fetched key sets are shared by its isolates; none outside workerd. */
const locationCache = () => (globalThis as { caches?: { default: KeySetCache } }).caches?.default;

const USER_ID = /^[1-9][0-9]{0,9}$/;
const MAX_USER_ID = 2_147_483_647;
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/; // RFC 6749 scope-token

/**
 * A verifier for one configuration; build it once per isolate, so the key set it holds
 * (shared-key-set.ts: the provider's max-age within bounds, shared by the location's
 * isolates through the Cache API, a cool-down between refetches for unknown kids)
 * lives as long as the isolate. The alg allow-list follows the key kind: HS256
 * for a shared secret, RS256/ES256 for a key set, so an RS256 public key can never be
 * used as an HMAC secret and `none` is never accepted.
 */
export function createJwtVerifier(config: JwtConfig, keySetCache: () => KeySetCache | undefined = locationCache): JwtVerifier {
  const { key, algorithms } =
    config.keys.kind === "secret"
      ? { key: hmacKeyOf(config.keys.secret), algorithms: ["HS256"] }
      : { key: sharedKeySet({ url: config.keys.url, cache: keySetCache }), algorithms: ["RS256", "ES256"] };
  const verified = verifiedTokens();
  return async (token) => {
    const known = verified.get(token);
    if (known !== undefined) return known;
    let payload;
    try {
      ({ payload } = await jwtVerify(token, key, {
        algorithms,
        issuer: config.issuer,
        audience: config.audience,
        clockTolerance: JWT_CLOCK_SKEW_S,
        requiredClaims: ["exp", "sub"],
      }));
    } catch (err) {
      // A key set that cannot be fetched is our outage, not a bad token: 503, not 401.
      if (config.keys.kind === "jwks" && isKeySetFailure(err)) throw new ConnectError("token keys unavailable", Code.Unavailable, undefined, undefined, err);
      throw new InvalidTokenError("invalid token", { cause: err });
    }
    const { sub, scope } = payload as { sub?: unknown; scope?: unknown };
    if (typeof sub !== "string" || !USER_ID.test(sub) || Number(sub) > MAX_USER_ID) throw new InvalidTokenError("invalid token");
    if (scope !== undefined && typeof scope !== "string") throw new InvalidTokenError("invalid token");
    const requested = (scope ?? "").split(" ").filter((s) => s !== "");
    if (!requested.every((s) => SCOPE_TOKEN.test(s))) throw new InvalidTokenError("invalid token");
    // Any client may ask for any scope; admin is what the identity provider says, in its claim.
    const scopes = requested.filter((s) => s !== ADMIN_SCOPE);
    if (isAdmin(payload[config.admin.claim], config.admin.value)) scopes.push(ADMIN_SCOPE);
    const { jti, exp } = payload;
    const result = { sub, scope: scopes.join(" "), ...(typeof jti === "string" && jti.length <= 256 ? { jti } : {}) };
    verified.set(token, result, (exp! + JWT_CLOCK_SKEW_S) * 1000);
    return result;
  };
}

/** The HS256 key, imported once per verifier rather than by jose on every verification. */
function hmacKeyOf(secret: string): JWTVerifyGetKey {
  let key: ReturnType<typeof crypto.subtle.importKey> | undefined;
  return () => (key ??= crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]));
}

/** Most tokens one isolate remembers as verified (the oldest is forgotten first). */
const MAX_VERIFIED_TOKENS = 1024;

/**
 * Tokens this isolate already verified, until they expire: a client sends the same token
 * with every request, and verifying the same bytes again would give the same answer. A
 * token verified under a key the provider has since withdrawn keeps working until its exp
 * (tokens are short-lived; docs/security.md). Refused tokens are never remembered.
 */
function verifiedTokens() {
  const entries = new Map<string, { token: VerifiedToken; untilMs: number }>();
  return {
    get(raw: string): VerifiedToken | undefined {
      const entry = entries.get(raw);
      if (entry === undefined) return undefined;
      if (Date.now() < entry.untilMs) return entry.token;
      entries.delete(raw);
      return undefined;
    },
    set(raw: string, token: VerifiedToken, untilMs: number): void {
      if (entries.size >= MAX_VERIFIED_TOKENS) entries.delete(entries.keys().next().value!);
      entries.set(raw, { token, untilMs });
    },
  };
}

/** The scope the services give everything to. */
const ADMIN_SCOPE = "admin";

const isAdmin = (claim: unknown, value: string): boolean => claim === value || (Array.isArray(claim) && claim.includes(value));

// shared-key-set.ts: JWKSInvalid (not a key set), a generic JOSEError for a non-200
// answer; fetch() itself rejects with a plain error (a timeout too). Every token problem is a JOSEError
// with a more specific code (ERR_JWT_*, ERR_JWS_*, ERR_JWKS_NO_MATCHING_KEY…).
function isKeySetFailure(err: unknown): boolean {
  if (!(err instanceof errors.JOSEError)) return true;
  return err.code === "ERR_JWKS_TIMEOUT" || err.code === "ERR_JWKS_INVALID" || err.code === "ERR_JOSE_GENERIC";
}
