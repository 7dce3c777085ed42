import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/config-error.ts";
import { parseConfig, type GatewayEnv } from "./parse-config.ts";

const timeoutRule = "UPSTREAM_TIMEOUT_MS must be an integer number of milliseconds from 1 to 60000";
const urlRule = "USER_SERVICE_URL must be an absolute http(s) URL";

describe("parseConfig", () => {
  it.each<[GatewayEnv, string, number]>([
    [{ USER_SERVICE_URL: "http://127.0.0.1:50051" }, "http://127.0.0.1:50051/", 3000],
    [{ USER_SERVICE_URL: "https://users.internal/rpc/", UPSTREAM_TIMEOUT_MS: "250" }, "https://users.internal/rpc/", 250],
    [{ USER_SERVICE_URL: " http://u:1 ", UPSTREAM_TIMEOUT_MS: "" }, "http://u:1/", 3000],
    [{ USER_SERVICE_URL: "http://u", UPSTREAM_TIMEOUT_MS: "1" }, "http://u/", 1],
    [{ USER_SERVICE_URL: "http://u", UPSTREAM_TIMEOUT_MS: "60000" }, "http://u/", 60000],
  ])("accepts %j", (env, userServiceUrl, upstreamTimeoutMs) => {
    expect(parseConfig(env)).toEqual({ userServiceUrl, upstreamTimeoutMs });
  });

  it.each([
    ["http://127.0.0.1:4318", "http://127.0.0.1:4318/"],
    [" https://otlp.example.com/otlp ", "https://otlp.example.com/otlp"],
  ])("takes OTEL_EXPORTER_OTLP_ENDPOINT %j as the OTLP base URL", (raw, otlpEndpoint) => {
    expect(parseConfig({ USER_SERVICE_URL: "http://u", OTEL_EXPORTER_OTLP_ENDPOINT: raw }).otlpEndpoint).toBe(otlpEndpoint);
  });

  it("leaves export off when OTEL_EXPORTER_OTLP_ENDPOINT is unset or empty", () => {
    expect(parseConfig({ USER_SERVICE_URL: "http://u", OTEL_EXPORTER_OTLP_ENDPOINT: " " })).not.toHaveProperty("otlpEndpoint");
  });

  it.each<[GatewayEnv, string]>([
    [{}, "USER_SERVICE_URL is not set"],
    [{ USER_SERVICE_URL: "" }, "USER_SERVICE_URL is not set"],
    [{ USER_SERVICE_URL: "127.0.0.1:50051" }, urlRule],
    [{ USER_SERVICE_URL: "ftp://user:hunter2@host" }, urlRule],
    [{ USER_SERVICE_URL: "not a url" }, urlRule],
    [{ USER_SERVICE_URL: "http://u/?x=1" }, "USER_SERVICE_URL must not have a query or fragment"],
    [{ USER_SERVICE_URL: "http://u", OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" }, "OTEL_EXPORTER_OTLP_ENDPOINT must be an absolute http(s) URL"],
    [{ USER_SERVICE_URL: "http://u", OTEL_EXPORTER_OTLP_ENDPOINT: "grpc://collector:4317" }, "OTEL_EXPORTER_OTLP_ENDPOINT must be an absolute http(s) URL"],
    ...["0", "-1", "60001", "1.5", "3s", "1e3", "abc"].map((ms): [GatewayEnv, string] => [
      { USER_SERVICE_URL: "http://u", UPSTREAM_TIMEOUT_MS: ms },
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
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(message);
  });
});
