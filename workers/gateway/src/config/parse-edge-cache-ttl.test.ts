import { describe, expect, it } from "vitest";
import { configError, GatewayError } from "../errors/gateway-error.ts";
import { parseEdgeCacheTtl } from "./parse-edge-cache-ttl.ts";

describe("parseEdgeCacheTtl", () => {
  it.each<[string | undefined, number]>([
    [undefined, 5],
    ["", 5],
    [" 30 ", 30],
    ["0", 0],
    ["3600", 3600],
  ])("%j → %i s", (raw, seconds) => {
    expect(parseEdgeCacheTtl(raw)).toBe(seconds);
  });

  it.each(["-1", "3601", "1.5", "5s", "abc", "1e3"])("rejects %j, naming the setting", (raw) => {
    expect(() => parseEdgeCacheTtl(raw)).toThrow(GatewayError);
    expect(() => parseEdgeCacheTtl(raw)).toThrow("EDGE_CACHE_TTL_SECONDS must be an integer number of seconds from 0 to 3600");
  });
});
