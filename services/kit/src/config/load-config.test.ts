import { describe, expect, it } from "vitest";
import { ConfigError, env, loadConfig } from "./index.ts";

const spec = {
  PORT: env.port("port", 50051),
  LOG_LEVEL: env.oneOf("level", ["debug", "info"], "info"),
  ORDER_SERVICE_URL: env.url("order service", ["http:", "https:"]),
  DATABASE_URL: env.optionalUrl("db", ["postgres:", "postgresql:"]),
  SEED: env.boolean("seed", false),
  GRACE_MS: env.int("grace", { min: 0, max: 60_000, defaultValue: 10_000 }),
};

describe("loadConfig", () => {
  it("applies defaults and parses values", () => {
    const config = loadConfig(spec, { ORDER_SERVICE_URL: "http://127.0.0.1:50052", SEED: "true" });
    expect(config).toEqual({
      PORT: 50051,
      LOG_LEVEL: "info",
      ORDER_SERVICE_URL: "http://127.0.0.1:50052",
      DATABASE_URL: undefined,
      SEED: true,
      GRACE_MS: 10_000,
    });
  });

  it.each([
    [{ PORT: "abc" }, 'PORT must be an integer between 0 and 65535 (got "abc")'],
    [{ PORT: "70000" }, 'PORT must be an integer between 0 and 65535 (got "70000")'],
    [{ LOG_LEVEL: "loud" }, 'LOG_LEVEL must be one of debug, info (got "loud")'],
    [{ SEED: "maybe" }, 'SEED must be true or false (got "maybe")'],
    [{ GRACE_MS: "-5" }, 'GRACE_MS must be an integer between 0 and 60000 (got "-5")'],
    [{ DATABASE_URL: "mysql://x" }, "DATABASE_URL must use postgres: or postgresql:"],
  ])("rejects %o with a clear message", (overrides, message) => {
    const run = () => loadConfig(spec, { ORDER_SERVICE_URL: "http://x", ...overrides });
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(message);
  });

  it("reports every problem at once, including missing required variables", () => {
    try {
      loadConfig(spec, { PORT: "x" });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        'PORT must be an integer between 0 and 65535 (got "x")',
        "ORDER_SERVICE_URL is required: order service",
      ]);
    }
  });

  it("never echoes values of variables that may hold secrets", () => {
    expect(() => loadConfig(spec, { ORDER_SERVICE_URL: "http://x", DATABASE_URL: "not a url with s3cret" })).toThrow(
      /^(?![\s\S]*s3cret)/,
    );
  });

  it("requires a secret of the minimum length, naming the rule but never the value", () => {
    const secretSpec = { SERVICE_TOKEN_SECRET: env.secret("HS256 key", 32) };
    expect(() => loadConfig(secretSpec, {})).toThrow("SERVICE_TOKEN_SECRET is required: HS256 key");
    expect(() => loadConfig(secretSpec, { SERVICE_TOKEN_SECRET: "short-s3cret" })).toThrow(/^(?![\s\S]*short-s3cret)[\s\S]*must be at least 32 bytes long/);
    const real = "kQ3vX8pZ1mN6bT4wR9yL2cF7hJ0dS5gA";
    expect(loadConfig(secretSpec, { SERVICE_TOKEN_SECRET: real }).SERVICE_TOKEN_SECRET).toBe(real);
  });

  it.each([
    ["the example value of .dev.vars.example", "replace-me-with-at-least-32-random-bytes", /example value from \.dev\.vars\.example/],
    ["one character repeated", "x".repeat(32), /one character repeated/],
  ])("refuses a placeholder secret: %s, without echoing it", (_case, value, reason) => {
    const secretSpec = { SERVICE_TOKEN_SECRET: env.secret("HS256 key", 32) };
    const error = (() => {
      try {
        loadConfig(secretSpec, { SERVICE_TOKEN_SECRET: value });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toMatch(reason);
    expect(error?.message).toContain("SERVICE_TOKEN_SECRET");
    expect(error?.message).not.toContain(value);
  });
});
