import { SignJWT } from "jose";
import { SERVICE_TOKEN_AUDIENCE, SERVICE_TOKEN_ISSUER, SERVICE_TOKEN_USER_JTI_CLAIM } from "../src/auth/index.ts";

/** The secret test services and test gateways share (≥ 32 bytes, like the real one). */
export const TEST_SERVICE_TOKEN_SECRET = "test-only-service-token-secret-0123456789abcdef";

export interface MintOptions {
  /** The end user's id; omit for an anonymous caller. */
  sub?: number | string;
  /** Space-separated scopes, e.g. "admin" or "users:read". */
  scope?: string;
  secret?: string;
  /** Lifetime in seconds (default 60). */
  ttl?: number;
  /** Issued-at time in seconds since the epoch (default now). */
  iat?: number;
  issuer?: string;
  audience?: string;
  /** The end user's token id, carried for audit logs. */
  userJti?: string;
}

/** A service token as the gateway signs it (HS256), for tests. */
export function mintServiceToken(options: MintOptions = {}): Promise<string> {
  const iat = options.iat ?? Math.floor(Date.now() / 1000);
  const claims = {
    ...(options.scope === undefined ? {} : { scope: options.scope }),
    ...(options.userJti === undefined ? {} : { [SERVICE_TOKEN_USER_JTI_CLAIM]: options.userJti }),
  };
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(options.issuer ?? SERVICE_TOKEN_ISSUER)
    .setAudience(options.audience ?? SERVICE_TOKEN_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (options.ttl ?? 60))
    .setJti(crypto.randomUUID());
  if (options.sub !== undefined) jwt.setSubject(String(options.sub));
  return jwt.sign(new TextEncoder().encode(options.secret ?? TEST_SERVICE_TOKEN_SECRET));
}

/** `authorization` header value for `mintServiceToken(options)`. */
export async function bearer(options: MintOptions = {}): Promise<string> {
  return `Bearer ${await mintServiceToken(options)}`;
}
