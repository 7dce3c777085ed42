import { describe, expect, it } from "vitest";
import { parseTrustedCallers, trustedNetworkOf } from "./trusted-callers.ts";

describe("TRUSTED_CALLERS", () => {
  const networks = parseTrustedCallers("10.1.0.0/16=users:read; 127.0.0.1/32=admin users:read ;fd00::/64=users:read");

  it.each([
    ["10.1.200.3", "10.1.0.0/16"],
    ["::ffff:10.1.0.9", "10.1.0.0/16"],
    ["127.0.0.1", "127.0.0.1/32"],
    ["fd00::17", "fd00::/64"],
    ["10.2.0.1", undefined],
    ["127.0.0.2", undefined],
    ["fd00:0:0:1::1", undefined],
    [undefined, undefined],
  ])("a call from %s is trusted by %s", (address, network) => {
    expect(trustedNetworkOf(networks, address)?.network).toBe(network);
  });

  it("gives each network its scopes", () => {
    expect(networks.map((n) => [n.network, n.scopes])).toEqual([
      ["10.1.0.0/16", ["users:read"]],
      ["127.0.0.1/32", ["admin", "users:read"]],
      ["fd00::/64", ["users:read"]],
    ]);
  });

  it("is off when empty", () => {
    expect(parseTrustedCallers(" ")).toEqual([]);
    expect(trustedNetworkOf([], "127.0.0.1")).toBeUndefined();
  });

  it.each([
    ["10.0.0.0=users:read", /CIDR form/],
    ["10.0.0.0/33=users:read", /CIDR form/],
    ["example.com/8=users:read", /CIDR form/],
    ["10.0.0.0/8", /needs scopes/],
    ["10.0.0.0/8=users\"read", /needs scopes/],
  ])("refuses %s", (raw, message) => {
    expect(() => parseTrustedCallers(raw)).toThrow(message);
  });
});
