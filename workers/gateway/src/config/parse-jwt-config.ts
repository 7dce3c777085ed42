import type { JwtConfig } from "../auth/jwt-verifier.ts";
import { configError } from "../errors/gateway-error.ts";

export interface JwtEnv {
  JWT_ISSUER?: string;
  JWT_AUDIENCE?: string;
  JWT_SECRET?: string;
  JWT_JWKS_URL?: string;
}

const minSecretBytes = 32;

/**
 * Exactly one of JWT_SECRET / JWT_JWKS_URL ("" counts as unset, so a deployment can
 * bind both names and fill one). The JWT key must not be the service-token key: a token
 * minted for one tier must never verify at the other.
 */
export function parseJwtConfig(env: JwtEnv, serviceTokenSecret: string): JwtConfig {
  const issuer = required("JWT_ISSUER", env.JWT_ISSUER);
  const audience = required("JWT_AUDIENCE", env.JWT_AUDIENCE);
  const secret = env.JWT_SECRET ?? "";
  const jwksUrl = (env.JWT_JWKS_URL ?? "").trim();
  if ((secret === "") === (jwksUrl === "")) throw configError("exactly one of JWT_SECRET and JWT_JWKS_URL must be set");
  if (secret !== "") {
    if (new TextEncoder().encode(secret).byteLength < minSecretBytes) {
      throw configError(`JWT_SECRET must be at least ${minSecretBytes} bytes long`);
    }
    if (secret === serviceTokenSecret) throw configError("JWT_SECRET must differ from SERVICE_TOKEN_SECRET");
    return { issuer, audience, keys: { kind: "secret", secret } };
  }
  return { issuer, audience, keys: { kind: "jwks", url: parseJwksUrl(jwksUrl) } };
}

function required(name: string, raw: string | undefined): string {
  const value = (raw ?? "").trim();
  if (value === "") throw configError(`${name} is not set`);
  return value;
}

// Keys fetched over plain HTTP could be swapped on the way; loopback is allowed for tests and dev.
function parseJwksUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw configError("JWT_JWKS_URL must be an absolute https URL");
  }
  const loopback = url.hostname === "127.0.0.1" || url.hostname === "localhost" || url.hostname === "[::1]";
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw configError("JWT_JWKS_URL must be an absolute https URL");
  }
  return url.href;
}
