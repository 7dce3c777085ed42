import { configError } from "../errors/gateway-error.ts";
import type { RateLimiterBinding } from "../context/app-env.ts";
import { parseCorsOrigins } from "./parse-cors-origins.ts";
import { parseEdgeCacheTtl } from "./parse-edge-cache-ttl.ts";
import type { JwtConfig } from "../auth/jwt-verifier.ts";
import { parseJwtConfig, type JwtEnv } from "./parse-jwt-config.ts";

/** The Worker's vars as wrangler.toml declares them; anything may be missing at runtime. */
export interface GatewayEnv extends JwtEnv {
  USER_SERVICE_URL?: string;
  UPSTREAM_TIMEOUT_MS?: string;
  /** HS256 key of the service tokens (a secret: `wrangler secret put`, or .dev.vars). */
  SERVICE_TOKEN_SECRET?: string;
  PUBLIC_READS?: string;
  /** Comma-separated origins browsers may call the API from (CORS). */
  CORS_ALLOWED_ORIGINS?: string;
  /** Seconds a read stays in the edge cache (Cache API); 0 turns it off. */
  EDGE_CACHE_TTL_SECONDS?: string;
  /** Workers rate-limit binding ([[ratelimits]] in wrangler.toml); optional, read per request. */
  RATE_LIMITER?: RateLimiterBinding;
  /** OpenTelemetry collector (OTLP/HTTP) base URL; unset or empty: no export. */
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
}

export interface GatewayConfig {
  userServiceUrl: string;
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

const defaultTimeoutMs = 3000;
const maxTimeoutMs = 60_000;

/** Validates the env; throws ConfigError whose message names the setting, never its value. */
export function parseConfig(env: GatewayEnv): GatewayConfig {
  // In this order, so the first broken setting named is the first in the table.
  const userServiceUrl = parseServiceUrl("USER_SERVICE_URL", env.USER_SERVICE_URL);
  const upstreamTimeoutMs = parseTimeoutMs("UPSTREAM_TIMEOUT_MS", env.UPSTREAM_TIMEOUT_MS);
  const serviceTokenSecret = parseSecret("SERVICE_TOKEN_SECRET", env.SERVICE_TOKEN_SECRET);
  const otlpEndpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  return {
    userServiceUrl,
    upstreamTimeoutMs,
    serviceTokenSecret,
    publicReads: parseBoolean("PUBLIC_READS", env.PUBLIC_READS),
    jwt: parseJwtConfig(env, serviceTokenSecret),
    corsAllowedOrigins: parseCorsOrigins(env.CORS_ALLOWED_ORIGINS),
    edgeCacheTtlSeconds: parseEdgeCacheTtl(env.EDGE_CACHE_TTL_SECONDS),
    // Optional: unset or empty means no export.
    ...(otlpEndpoint ? { otlpEndpoint: parseServiceUrl("OTEL_EXPORTER_OTLP_ENDPOINT", otlpEndpoint) } : {}),
  };
}

// The services refuse shorter keys too (HS256 wants at least its 256-bit output size).
const minSecretBytes = 32;

function parseSecret(name: string, raw: string | undefined): string {
  if (raw === undefined || raw === "") throw configError(`${name} is not set`);
  if (new TextEncoder().encode(raw).byteLength < minSecretBytes) {
    throw configError(`${name} must be at least ${minSecretBytes} bytes long`);
  }
  return raw;
}

function parseBoolean(name: string, raw: string | undefined): boolean {
  const value = (raw ?? "").trim().toLowerCase();
  if (value === "" || value === "false") return false;
  if (value === "true") return true;
  throw configError(`${name} must be true or false`);
}

function parseServiceUrl(name: string, raw: string | undefined): string {
  if (raw === undefined || raw.trim() === "") throw configError(`${name} is not set`);
  const url = tryParseUrl(raw.trim());
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw configError(`${name} must be an absolute http(s) URL`);
  }
  // Connect appends "/<package.Service>/<Method>"; a query or fragment would break that.
  if (url.search !== "" || url.hash !== "") {
    throw configError(`${name} must not have a query or fragment`);
  }
  return url.href;
}

function parseTimeoutMs(name: string, raw: string | undefined): number {
  if (raw === undefined || raw.trim() === "") return defaultTimeoutMs;
  const value = raw.trim();
  const ms = /^[0-9]{1,6}$/.test(value) ? Number(value) : Number.NaN;
  if (!(ms >= 1 && ms <= maxTimeoutMs)) {
    throw configError(`${name} must be an integer number of milliseconds from 1 to ${maxTimeoutMs}`);
  }
  return ms;
}

function tryParseUrl(raw: string): URL | undefined {
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}
