import { describe, expect, it } from "vitest";
import { GatewayError } from "../errors/gateway-error.ts";
import { gatewaySettings } from "./gateway-settings.ts";
import { readSetting } from "./setting.ts";

const read = (name: keyof typeof gatewaySettings, raw: string | undefined) => readSetting(name, gatewaySettings[name] as never, raw) as unknown;

describe("EDGE_CACHE_TTL_SECONDS", () => {
  it.each<[string | undefined, number]>([
    [undefined, 5],
    ["", 5],
    [" 30 ", 30],
    ["0", 0],
    ["3600", 3600],
  ])("%j → %i s", (raw, seconds) => {
    expect(read("EDGE_CACHE_TTL_SECONDS", raw)).toBe(seconds);
  });

  it.each(["-1", "3601", "1.5", "5s", "abc", "1e3"])("rejects %j, naming the setting", (raw) => {
    expect(() => read("EDGE_CACHE_TTL_SECONDS", raw)).toThrow(GatewayError);
    expect(() => read("EDGE_CACHE_TTL_SECONDS", raw)).toThrow("EDGE_CACHE_TTL_SECONDS must be an integer number of seconds from 0 to 3600");
  });
});

describe("CORS_ALLOWED_ORIGINS", () => {
  it("splits a comma-separated list of exact origins; empty or unset is none", () => {
    expect(read("CORS_ALLOWED_ORIGINS", " https://app.example.com , http://localhost:5173,")).toEqual(["https://app.example.com", "http://localhost:5173"]);
    expect(read("CORS_ALLOWED_ORIGINS", "")).toEqual([]);
    expect(read("CORS_ALLOWED_ORIGINS", undefined)).toEqual([]);
  });

  it.each(["*", "https://app.example.com/", "https://app.example.com/path", "app.example.com", "ftp://files.example.com", "https://APP.example.com"])(
    "refuses %s: a browser never sends it as Origin",
    (raw) => {
      expect(() => read("CORS_ALLOWED_ORIGINS", raw)).toThrow(
        "CORS_ALLOWED_ORIGINS must list origins like https://app.example.com, separated by commas",
      );
    },
  );
});

describe("the settings spec", () => {
  it("describes every setting, and a secret never has a default", () => {
    for (const [name, setting] of Object.entries(gatewaySettings)) {
      expect(setting.description, name).not.toBe("");
      if ("secret" in setting) expect(setting, name).not.toHaveProperty("defaultValue");
    }
  });
});
