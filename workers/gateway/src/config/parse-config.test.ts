import { describe, expect, it } from "vitest";
import { configError, GatewayError } from "../errors/gateway-error.ts";
import { gatewaySettings } from "./gateway-settings.ts";
import { parseConfig, settingsKey, type GatewayEnv } from "./parse-config.ts";

const timeoutRule = "UPSTREAM_TIMEOUT_MS must be an integer number of milliseconds from 1 to 60000";
const urlRule = "USER_SERVICE_URL must be an absolute http(s) URL";
const secret = "parse-config-test-service-secret-0123456789";
const jwt = { JWT_ISSUER: "https://id.example.com/", JWT_AUDIENCE: "grpc-edge-api", JWT_SECRET: "parse-config-test-jwt-secret-0123456789abc" };

describe("parseConfig", () => {
  it.each<[GatewayEnv, string, number]>([
    [{ USER_SERVICE_URL: "http://127.0.0.1:50051" }, "http://127.0.0.1:50051/", 3000],
    [{ USER_SERVICE_URL: "https://users.internal/rpc/", UPSTREAM_TIMEOUT_MS: "250" }, "https://users.internal/rpc/", 250],
    [{ USER_SERVICE_URL: " http://u:1 ", UPSTREAM_TIMEOUT_MS: "" }, "http://u:1/", 3000],
    [{ USER_SERVICE_URL: "http://u", ORDER_SERVICE_URL: "http://o", UPSTREAM_TIMEOUT_MS: "1" }, "http://u/", 1],
    [{ USER_SERVICE_URL: "http://u", ORDER_SERVICE_URL: "http://o", UPSTREAM_TIMEOUT_MS: "60000" }, "http://u/", 60000],
  ])("accepts %j", (env, userServiceUrl, upstreamTimeoutMs) => {
    expect(parseConfig({ ...env, ORDER_SERVICE_URL: "http://orders.internal:50052", SERVICE_TOKEN_SECRET: secret, ...jwt })).toEqual({
      userServiceUrl,
      orderServiceUrl: "http://orders.internal:50052/",
      upstreamTimeoutMs,
      serviceTokenSecret: secret,
      publicReads: false,
      jwt: { issuer: jwt.JWT_ISSUER, audience: jwt.JWT_AUDIENCE, admin: { claim: "roles", value: "grpc-edge-admin" }, keys: { kind: "secret", secret: jwt.JWT_SECRET } },
      corsAllowedOrigins: [],
      edgeCacheTtlSeconds: 5,
    });
  });

  it("reads EDGE_CACHE_TTL_SECONDS (0 turns the edge cache off)", () => {
    const base = { USER_SERVICE_URL: "http://u", ORDER_SERVICE_URL: "http://o", SERVICE_TOKEN_SECRET: secret, ...jwt };
    expect(parseConfig({ ...base, EDGE_CACHE_TTL_SECONDS: "0" }).edgeCacheTtlSeconds).toBe(0);
    expect(() => parseConfig({ ...base, EDGE_CACHE_TTL_SECONDS: "forever" })).toThrow("EDGE_CACHE_TTL_SECONDS");
  });

  it("reads PUBLIC_READS as a boolean, off unless set", () => {
    const base = { USER_SERVICE_URL: "http://u", ORDER_SERVICE_URL: "http://o", SERVICE_TOKEN_SECRET: secret, ...jwt };
    expect(parseConfig({ ...base, PUBLIC_READS: "TRUE" })).toMatchObject({ publicReads: true });
    expect(parseConfig({ ...base, PUBLIC_READS: "false" })).toMatchObject({ publicReads: false });
  });

  it("reads the JWT settings and CORS_ALLOWED_ORIGINS, and fails on them like on any other setting", () => {
    const base = { USER_SERVICE_URL: "http://u", ORDER_SERVICE_URL: "http://o", SERVICE_TOKEN_SECRET: secret, ...jwt };
    expect(parseConfig({ ...base, CORS_ALLOWED_ORIGINS: "https://app.example.com" }).corsAllowedOrigins).toEqual(["https://app.example.com"]);
    expect(() => parseConfig({ ...base, JWT_AUDIENCE: undefined })).toThrow("JWT_AUDIENCE is not set");
    expect(() => parseConfig({ ...base, CORS_ALLOWED_ORIGINS: "*" })).toThrow(GatewayError);
  });

  it.each([
    ["http://127.0.0.1:4318", "http://127.0.0.1:4318/"],
    [" https://otlp.example.com/otlp ", "https://otlp.example.com/otlp"],
  ])("takes OTEL_EXPORTER_OTLP_ENDPOINT %j as the OTLP base URL", (raw, otlpEndpoint) => {
    expect(parseConfig({ USER_SERVICE_URL: "http://u", ORDER_SERVICE_URL: "http://o", SERVICE_TOKEN_SECRET: secret, ...jwt, OTEL_EXPORTER_OTLP_ENDPOINT: raw }).otlpEndpoint).toBe(otlpEndpoint);
  });

  it("leaves export off when OTEL_EXPORTER_OTLP_ENDPOINT is unset or empty", () => {
    expect(parseConfig({ USER_SERVICE_URL: "http://u", ORDER_SERVICE_URL: "http://o", SERVICE_TOKEN_SECRET: secret, ...jwt, OTEL_EXPORTER_OTLP_ENDPOINT: " " })).not.toHaveProperty("otlpEndpoint");
  });

  it.each<[GatewayEnv, string]>([
    [{ SERVICE_TOKEN_SECRET: secret }, "USER_SERVICE_URL is not set"],
    [{ USER_SERVICE_URL: "", SERVICE_TOKEN_SECRET: secret }, "USER_SERVICE_URL is not set"],
    [{ USER_SERVICE_URL: "http://u", SERVICE_TOKEN_SECRET: secret }, "ORDER_SERVICE_URL is not set"],
    [{ USER_SERVICE_URL: "http://u", ORDER_SERVICE_URL: "orders:50052", SERVICE_TOKEN_SECRET: secret }, "ORDER_SERVICE_URL must be an absolute http(s) URL"],
    [{ USER_SERVICE_URL: "http://u", ORDER_SERVICE_URL: "http://o" }, "SERVICE_TOKEN_SECRET is not set"],
    [{ USER_SERVICE_URL: "http://u", ORDER_SERVICE_URL: "http://o", SERVICE_TOKEN_SECRET: "hunter2-is-short" }, "SERVICE_TOKEN_SECRET must be at least 32 bytes long"],
    [{ USER_SERVICE_URL: "http://u", ORDER_SERVICE_URL: "http://o", SERVICE_TOKEN_SECRET: "s".repeat(32) }, "SERVICE_TOKEN_SECRET is one character repeated; generate a real one"],
    [{ USER_SERVICE_URL: "http://u", ORDER_SERVICE_URL: "http://o", SERVICE_TOKEN_SECRET: "replace-me-with-at-least-32-random-bytes" }, "SERVICE_TOKEN_SECRET is the example value from .dev.vars.example; generate a real one"],
    [{ USER_SERVICE_URL: "http://u", ORDER_SERVICE_URL: "http://o", SERVICE_TOKEN_SECRET: secret, ...jwt, JWT_SECRET: "replace-me-with-another-32-random-bytes" }, "JWT_SECRET is the example value from .dev.vars.example; generate a real one"],
    [{ USER_SERVICE_URL: "http://u", ORDER_SERVICE_URL: "http://o", SERVICE_TOKEN_SECRET: secret, ...jwt, JWT_SECRET: "j".repeat(40) }, "JWT_SECRET is one character repeated; generate a real one"],
    [{ USER_SERVICE_URL: "http://u", ORDER_SERVICE_URL: "http://o", SERVICE_TOKEN_SECRET: secret, PUBLIC_READS: "yes" }, "PUBLIC_READS must be true or false"],
    [{ USER_SERVICE_URL: "127.0.0.1:50051", ORDER_SERVICE_URL: "http://o", SERVICE_TOKEN_SECRET: secret }, urlRule],
    [{ USER_SERVICE_URL: "ftp://user:hunter2@host", SERVICE_TOKEN_SECRET: secret }, urlRule],
    [{ USER_SERVICE_URL: "not a url", SERVICE_TOKEN_SECRET: secret }, urlRule],
    [{ USER_SERVICE_URL: "http://u/?x=1", SERVICE_TOKEN_SECRET: secret }, "USER_SERVICE_URL must not have a query or fragment"],
    [{ USER_SERVICE_URL: "http://u", ORDER_SERVICE_URL: "http://o", SERVICE_TOKEN_SECRET: secret, ...jwt, OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" }, "OTEL_EXPORTER_OTLP_ENDPOINT must be an absolute http(s) URL"],
    [{ USER_SERVICE_URL: "http://u", ORDER_SERVICE_URL: "http://o", SERVICE_TOKEN_SECRET: secret, ...jwt, OTEL_EXPORTER_OTLP_ENDPOINT: "grpc://collector:4317" }, "OTEL_EXPORTER_OTLP_ENDPOINT must be an absolute http(s) URL"],
    ...["0", "-1", "60001", "1.5", "3s", "1e3", "abc"].map((ms): [GatewayEnv, string] => [
      { USER_SERVICE_URL: "http://u", ORDER_SERVICE_URL: "http://o", UPSTREAM_TIMEOUT_MS: ms, SERVICE_TOKEN_SECRET: secret },
      timeoutRule,
    ]),
  ])("rejects %j with a message that names the setting, not its value", (env, message) => {
    const error = (() => {
      try {
        parseConfig(env);
      } catch (err) {
        return err;
      }
    })();
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as Error).message).toBe(message);
  });
});

describe("settingsKey", () => {
  it("changes with any setting of the spec, and only with those", () => {
    const env: GatewayEnv = { USER_SERVICE_URL: "http://u", ORDER_SERVICE_URL: "http://o", SERVICE_TOKEN_SECRET: secret, ...jwt };
    const key = settingsKey(env);
    for (const name of Object.keys(gatewaySettings) as (keyof typeof gatewaySettings)[]) {
      expect(settingsKey({ ...env, [name]: "changed" }), name).not.toBe(key);
    }
    expect(settingsKey({ ...env, RATE_LIMITER: { limit: async () => ({ success: true }) } })).toBe(key);
  });
});
