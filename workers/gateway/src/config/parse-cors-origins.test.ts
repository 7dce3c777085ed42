import { describe, expect, it } from "vitest";
import { configError, GatewayError } from "../errors/gateway-error.ts";
import { parseCorsOrigins } from "./parse-cors-origins.ts";

describe("parseCorsOrigins", () => {
  it("splits a comma-separated list of exact origins; empty or unset is none", () => {
    expect(parseCorsOrigins(" https://app.example.com , http://localhost:5173,")).toEqual(["https://app.example.com", "http://localhost:5173"]);
    expect(parseCorsOrigins("")).toEqual([]);
    expect(parseCorsOrigins(undefined)).toEqual([]);
  });

  it.each(["*", "https://app.example.com/", "https://app.example.com/path", "app.example.com", "ftp://files.example.com", "https://APP.example.com"])(
    "refuses %s: a browser never sends it as Origin",
    (raw) => {
      expect(() => parseCorsOrigins(raw)).toThrow(GatewayError);
    },
  );
});
