// Real end-user tokens for tests: HS256 with the test secret start-gateway.ts gives the
// Worker (jwks-server.ts serves RS256/ES256 keys). No Node APIs: unit tests beside the
// Worker source use it too.
import { SignJWT, type JWTPayload } from "jose";

export const TEST_JWT = {
  issuer: "https://id.grpc-edge.test/",
  audience: "grpc-edge-api",
  secret: "test-jwt-secret-for-the-edge-0123456789abcdef",
  /** How the test identity provider marks administrators: the gateway's defaults (ADMIN_CLAIM/ADMIN_CLAIM_VALUE). */
  admin: { claim: "roles", value: "grpc-edge-admin" },
} as const;

/** The Worker vars that make start-gateway's Worker accept TEST_JWT tokens. */
export const testJwtVars = { JWT_ISSUER: TEST_JWT.issuer, JWT_AUDIENCE: TEST_JWT.audience, JWT_SECRET: TEST_JWT.secret };

export interface MintOptions {
  sub?: string;
  scope?: string;
  /** Seconds from now; negative: already expired. */
  ttl?: number;
  /** Overrides of any claim (iss, aud, nbf…); `undefined` removes one. */
  claims?: JWTPayload;
  alg?: "HS256" | "HS512";
  secret?: string;
}

/**
 * An HS256 end-user token, by default valid for 5 minutes. An `admin` in `scope` is minted the
 * way an identity provider grants it — the admin claim (TEST_JWT.admin) — since the gateway
 * ignores a requested admin scope; `claims: { scope: "admin" }` mints the requested one.
 */
export function mintJwt({ sub, scope, ttl = 300, claims = {}, alg = "HS256", secret = TEST_JWT.secret }: MintOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const scopes = scope?.split(" ").filter((s) => s !== "");
  const admin = scopes?.includes("admin") ? { [TEST_JWT.admin.claim]: [TEST_JWT.admin.value] } : {};
  const requested = scopes === undefined ? {} : { scope: scopes.filter((s) => s !== "admin").join(" ") };
  const payload: JWTPayload = { iss: TEST_JWT.issuer, aud: TEST_JWT.audience, iat: now, exp: now + ttl, ...(sub === undefined ? {} : { sub }), ...requested, ...admin, ...claims };
  for (const [k, v] of Object.entries(payload)) if (v === undefined) delete payload[k];
  return new SignJWT(payload).setProtectedHeader({ alg, typ: "JWT" }).sign(new TextEncoder().encode(secret));
}

/** `Authorization` header of a user's token (scope optional). */
export async function bearerFor(sub: string, scope?: string): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await mintJwt({ sub, scope })}` };
}
