import { Code, ConnectError } from "@connectrpc/connect";
import { errors, jwtVerify } from "jose";
import { SERVICE_TOKEN_AUDIENCE, SERVICE_TOKEN_ISSUER, SERVICE_TOKEN_USER_JTI_CLAIM } from "@grpc-edge/proto/shared-names";
import type { Caller } from "./caller.ts";

/** The claims every service token carries (docs/security.md), named once in @grpc-edge/proto. */
export { SERVICE_TOKEN_AUDIENCE, SERVICE_TOKEN_ISSUER, SERVICE_TOKEN_USER_JTI_CLAIM };
/** Longest lifetime accepted (exp − iat), in seconds. */
export const SERVICE_TOKEN_MAX_TTL_S = 60;
/** Clock difference tolerated between the gateway and a service, in seconds. */
export const SERVICE_TOKEN_CLOCK_SKEW_S = 5;

const USER_ID = /^[1-9][0-9]{0,9}$/;
const MAX_USER_ID = 2_147_483_647;
const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]+$/; // RFC 6749 scope-token

/** The HS256 key as jose wants it; build once per process. */
export function serviceTokenKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

const invalid = () => new ConnectError("invalid service token", Code.Unauthenticated);

/**
 * Verifies a service token and returns its caller. Only HS256 with our key is
 * accepted (no `none`, no RS256 "public key = secret" confusion), iss/aud must
 * match, exp is enforced with SERVICE_TOKEN_CLOCK_SKEW_S of leeway, and a token
 * that lives longer than SERVICE_TOKEN_MAX_TTL_S is refused. Failures say only
 * "invalid" or "expired": which check failed helps an attacker, not a caller.
 */
export async function verifyServiceToken(token: string, key: Uint8Array, now: Date = new Date()): Promise<Caller> {
  return (await verifyServiceTokenUntil(token, key, now)).caller;
}

/** verifyServiceToken, and until when (ms since the epoch) the token stays valid. */
export async function verifyServiceTokenUntil(token: string, key: Uint8Array, now: Date = new Date()): Promise<{ caller: Caller; validUntilMs: number }> {
  let payload;
  try {
    ({ payload } = await jwtVerify(token, key, {
      algorithms: ["HS256"],
      issuer: SERVICE_TOKEN_ISSUER,
      audience: SERVICE_TOKEN_AUDIENCE,
      clockTolerance: SERVICE_TOKEN_CLOCK_SKEW_S,
      maxTokenAge: SERVICE_TOKEN_MAX_TTL_S,
      requiredClaims: ["iat", "exp", "jti"],
      currentDate: now,
    }));
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new ConnectError("expired service token", Code.Unauthenticated);
    throw invalid();
  }
  const { iat, exp, jti, sub, scope } = payload as { iat: number; exp: number; jti: unknown; sub?: unknown; scope?: unknown };
  const userJti = payload[SERVICE_TOKEN_USER_JTI_CLAIM];
  if (userJti !== undefined && (typeof userJti !== "string" || userJti.length > 256)) throw invalid();
  if (exp - iat > SERVICE_TOKEN_MAX_TTL_S || exp <= iat) throw invalid();
  if (typeof jti !== "string" || jti === "") throw invalid();
  let userId: number | undefined;
  if (sub !== undefined) {
    if (typeof sub !== "string" || !USER_ID.test(sub) || Number(sub) > MAX_USER_ID) throw invalid();
    userId = Number(sub);
  }
  if (scope !== undefined && typeof scope !== "string") throw invalid();
  const scopes = (scope ?? "").split(" ").filter((s) => s !== "");
  if (!scopes.every((s) => SCOPE.test(s))) throw invalid();
  return { caller: { userId, scopes: new Set(scopes), token, userTokenId: userJti, authz: {} }, validUntilMs: (exp + SERVICE_TOKEN_CLOCK_SKEW_S) * 1000 };
}
