import { ConfigError } from "../errors/config-error.ts";

/** The Worker's vars as wrangler.toml declares them; anything may be missing at runtime. */
export interface GatewayEnv {
  USER_SERVICE_URL?: string;
  UPSTREAM_TIMEOUT_MS?: string;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
}

export interface GatewayConfig {
  userServiceUrl: string;
  upstreamTimeoutMs: number;
  /** OTLP/HTTP base URL; undefined: spans are not exported. */
  otlpEndpoint?: string;
}

const defaultTimeoutMs = 3000;
const maxTimeoutMs = 60_000;

/** Validates the env; throws ConfigError whose message names the setting, never its value. */
export function parseConfig(env: GatewayEnv): GatewayConfig {
  const otlpEndpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  return {
    userServiceUrl: parseServiceUrl("USER_SERVICE_URL", env.USER_SERVICE_URL),
    upstreamTimeoutMs: parseTimeoutMs("UPSTREAM_TIMEOUT_MS", env.UPSTREAM_TIMEOUT_MS),
    // Optional: unset or empty means no export.
    ...(otlpEndpoint ? { otlpEndpoint: parseServiceUrl("OTEL_EXPORTER_OTLP_ENDPOINT", otlpEndpoint) } : {}),
  };
}

function parseServiceUrl(name: string, raw: string | undefined): string {
  if (raw === undefined || raw.trim() === "") throw new ConfigError(`${name} is not set`);
  const url = tryParseUrl(raw.trim());
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new ConfigError(`${name} must be an absolute http(s) URL`);
  }
  // Connect appends "/<package.Service>/<Method>"; a query or fragment would break that.
  if (url.search !== "" || url.hash !== "") {
    throw new ConfigError(`${name} must not have a query or fragment`);
  }
  return url.href;
}

function parseTimeoutMs(name: string, raw: string | undefined): number {
  if (raw === undefined || raw.trim() === "") return defaultTimeoutMs;
  const value = raw.trim();
  const ms = /^[0-9]{1,6}$/.test(value) ? Number(value) : Number.NaN;
  if (!(ms >= 1 && ms <= maxTimeoutMs)) {
    throw new ConfigError(`${name} must be an integer number of milliseconds from 1 to ${maxTimeoutMs}`);
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
