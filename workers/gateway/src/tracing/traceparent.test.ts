import { describe, expect, it } from "vitest";
import { formatTraceparent, parseTraceparent } from "./traceparent.ts";

const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
const parentId = "00f067aa0ba902b7";

describe("parseTraceparent", () => {
  it.each([
    [`00-${traceId}-${parentId}-01`, true],
    [`00-${traceId}-${parentId}-00`, false],
    // Only the sampled bit counts; other flags are for later versions of the spec.
    [`00-${traceId}-${parentId}-03`, true],
    // A later version may add fields, which a version-00 parser ignores.
    [`01-${traceId}-${parentId}-01-what-comes-next`, true],
  ])("accepts %s", (header, sampled) => {
    expect(parseTraceparent(header)).toEqual({ traceId, parentId, sampled });
  });

  it.each([
    undefined,
    "",
    "garbage",
    `00-${traceId.toUpperCase()}-${parentId}-01`,
    `00-${"0".repeat(32)}-${parentId}-01`,
    `00-${traceId}-${"0".repeat(16)}-01`,
    `ff-${traceId}-${parentId}-01`,
    `00-${traceId}-${parentId}-01-extra`,
    `00-${traceId.slice(1)}-${parentId}-01`,
    `00-${traceId}-${parentId}-1`,
    `0-${traceId}-${parentId}-01`,
  ])("rejects %j (the gateway then starts a new trace)", (header) => {
    expect(parseTraceparent(header)).toBeUndefined();
  });
});

describe("formatTraceparent", () => {
  it("writes version 00 with the sampled flag, and parses back", () => {
    expect(formatTraceparent(traceId, parentId, true)).toBe(`00-${traceId}-${parentId}-01`);
    expect(formatTraceparent(traceId, parentId, false)).toBe(`00-${traceId}-${parentId}-00`);
    expect(parseTraceparent(formatTraceparent(traceId, parentId, false))).toEqual({ traceId, parentId, sampled: false });
  });
});
