import type { JwtConfig } from "../auth/jwt-verifier.ts";
import { configError } from "../errors/gateway-error.ts";
import { gatewaySettings } from "./gateway-settings.ts";
import { readSetting } from "./setting.ts";

export interface JwtEnv {
  JWT_ISSUER?: string;
  JWT_AUDIENCE?: string;
  JWT_SECRET?: string;
  JWT_JWKS_URL?: string;
  ADMIN_CLAIM?: string;
  ADMIN_CLAIM_VALUE?: string;
}

/**
 * The JWT settings, each as its spec says, and the rules between them: exactly one of
 * JWT_SECRET / JWT_JWKS_URL ("" counts as unset, so a deployment can bind both names
 * and fill one), and the JWT key must not be the service-token key: a token minted
 * for one tier must never verify at the other.
 */
export function parseJwtConfig(env: JwtEnv, serviceTokenSecret: string): JwtConfig {
  const issuer = readSetting("JWT_ISSUER", gatewaySettings.JWT_ISSUER, env.JWT_ISSUER);
  const audience = readSetting("JWT_AUDIENCE", gatewaySettings.JWT_AUDIENCE, env.JWT_AUDIENCE);
  const admin = {
    claim: readSetting("ADMIN_CLAIM", gatewaySettings.ADMIN_CLAIM, env.ADMIN_CLAIM),
    value: readSetting("ADMIN_CLAIM_VALUE", gatewaySettings.ADMIN_CLAIM_VALUE, env.ADMIN_CLAIM_VALUE),
  };
  const secretSet = (env.JWT_SECRET ?? "").trim() !== "";
  const jwksSet = (env.JWT_JWKS_URL ?? "").trim() !== "";
  if (secretSet === jwksSet) throw configError("exactly one of JWT_SECRET and JWT_JWKS_URL must be set");
  const secret = readSetting("JWT_SECRET", gatewaySettings.JWT_SECRET, env.JWT_SECRET);
  if (secret !== undefined) {
    if (secret === serviceTokenSecret) throw configError("JWT_SECRET must differ from SERVICE_TOKEN_SECRET");
    return { issuer, audience, admin, keys: { kind: "secret", secret } };
  }
  const url = readSetting("JWT_JWKS_URL", gatewaySettings.JWT_JWKS_URL, env.JWT_JWKS_URL);
  return { issuer, audience, admin, keys: { kind: "jwks", url: url! } };
}
