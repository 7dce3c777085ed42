// The credential the services demand on every call (docs/security.md): a short-lived
// HS256 JWT signed per request with SERVICE_TOKEN_SECRET. WebCrypto HMAC, not jose:
// the Worker bundle stays small.

import { SERVICE_TOKEN_AUDIENCE, SERVICE_TOKEN_ISSUER, SERVICE_TOKEN_USER_JTI_CLAIM } from "@grpc-edge/proto/shared-names";

/** Lifetime of a token; the services refuse anything over 60 s. */
export const SERVICE_TOKEN_TTL_S = 30;

export interface ServiceTokenClaims {
  /** The end user's id; absent for anonymous callers. */
  sub?: string;
  /** Space-separated scopes, e.g. "users:read". */
  scope: string;
  /** The end user's token id (`jti` of her JWT), for the services' audit log; absent without one. */
  userJti?: string;
}

const encoder = new TextEncoder();

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const jsonPart = (value: object) => base64url(encoder.encode(JSON.stringify(value)));

/** The HMAC key for `secret`; import it once per isolate, not per request. */
export function importServiceTokenKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

/** A fresh token for one upstream call. */
export async function signServiceToken(key: CryptoKey, claims: ServiceTokenClaims, now = Date.now()): Promise<string> {
  const iat = Math.floor(now / 1000);
  const payload = {
    iss: SERVICE_TOKEN_ISSUER,
    aud: SERVICE_TOKEN_AUDIENCE,
    iat,
    exp: iat + SERVICE_TOKEN_TTL_S,
    jti: crypto.randomUUID(),
    ...(claims.sub === undefined ? {} : { sub: claims.sub }),
    scope: claims.scope,
    ...(claims.userJti === undefined ? {} : { [SERVICE_TOKEN_USER_JTI_CLAIM]: claims.userJti }),
  };
  const signingInput = `${jsonPart({ alg: "HS256", typ: "JWT" })}.${jsonPart(payload)}`;
  const signature = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(signingInput)));
  return `${signingInput}.${base64url(signature)}`;
}
