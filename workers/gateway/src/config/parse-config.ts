import type { JwtConfig } from "../auth/jwt-verifier.ts";
import type { AssetsFetcher, RateLimiterBinding, UpstreamFetcher } from "../context/app-env.ts";
import { gatewaySettings, type GatewaySettingName, type GatewaySettingValue } from "./gateway-settings.ts";
import { parseJwtConfig } from "./parse-jwt-config.ts";
import { readSetting, type Setting } from "./setting.ts";

/** The Worker's env: the variables of gatewaySettings (anything may be missing at runtime) and its bindings. */
export type GatewayEnv = { [Name in GatewaySettingName]?: string } & {
  /** Workers rate-limit binding ([[ratelimits]] in wrangler.toml); optional, read per request. */
  RATE_LIMITER?: RateLimiterBinding;
  /** Failed authentications per client network ([[ratelimits]] too); optional, read per request. */
  AUTH_FAILURE_LIMITER?: RateLimiterBinding;
  /** The /docs page's static assets ([assets] binding). */
  ASSETS?: AssetsFetcher;
  /** The private origin in front of both services; when bound, every upstream call goes through it. */
  SERVICES?: UpstreamFetcher;
};

export interface GatewayConfig {
  userServiceUrl: string;
  orderServiceUrl: string;
  upstreamTimeoutMs: number;
  serviceTokenSecret: string;
  /** Anonymous callers may read users and their orders (scope users:read). */
  publicReads: boolean;
  /** End-user JWT verification. */
  jwt: JwtConfig;
  corsAllowedOrigins: readonly string[];
  /** Edge cache lifetime of a read, in seconds; 0: no edge cache. */
  edgeCacheTtlSeconds: number;
  /** OTLP/HTTP base URL; undefined: spans are not exported. */
  otlpEndpoint?: string;
}

/** The variables as they are set, in the spec's order: an isolate's app is rebuilt when one changes. */
export function settingsKey(env: GatewayEnv): string {
  return JSON.stringify(Object.keys(gatewaySettings).map((name) => env[name as GatewaySettingName] ?? null));
}

/** Validates the env in the spec's order; throws a config error naming the first broken setting, never its value. */
export function parseConfig(env: GatewayEnv): GatewayConfig {
  const read = <Name extends GatewaySettingName>(name: Name): GatewaySettingValue<Name> =>
    readSetting(name, gatewaySettings[name] as Setting<GatewaySettingValue<Name>>, env[name]);
  const userServiceUrl = read("USER_SERVICE_URL");
  const orderServiceUrl = read("ORDER_SERVICE_URL");
  const upstreamTimeoutMs = read("UPSTREAM_TIMEOUT_MS");
  const serviceTokenSecret = read("SERVICE_TOKEN_SECRET");
  const publicReads = read("PUBLIC_READS");
  const jwt = parseJwtConfig(env, serviceTokenSecret);
  const corsAllowedOrigins = read("CORS_ALLOWED_ORIGINS");
  const edgeCacheTtlSeconds = read("EDGE_CACHE_TTL_SECONDS");
  const otlpEndpoint = read("OTEL_EXPORTER_OTLP_ENDPOINT");
  return {
    userServiceUrl,
    orderServiceUrl,
    upstreamTimeoutMs,
    serviceTokenSecret,
    publicReads,
    jwt,
    corsAllowedOrigins,
    edgeCacheTtlSeconds,
    ...(otlpEndpoint === undefined ? {} : { otlpEndpoint }),
  };
}
