import { describe, expect, it } from "vitest";
import { clientNetwork } from "./client-network.ts";

describe("clientNetwork", () => {
  it.each([
    // IPv4: each address its own budget.
    ["203.0.113.7", "203.0.113.7"],
    [" 198.51.100.1 ", "198.51.100.1"],
    // IPv6: the /64, however the address is written.
    ["2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"],
    ["2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"],
    ["2001:0DB8:0001:0002:0000:0000:0000:0001", "2001:db8:1:2::/64"],
    ["2001:db8:1:2::1", "2001:db8:1:2::/64"],
    ["2001:db8::1", "2001:db8:0:0::/64"],
    ["2001:db8:0:0:1::", "2001:db8:0:0::/64"],
    ["fe80::1%eth0", "fe80:0:0:0::/64"],
    ["::1", "0:0:0:0::/64"],
    ["2001:db8:1:3::1", "2001:db8:1:3::/64"],
    // IPv4 written as IPv6 is the IPv4 address: one budget, not two.
    ["::ffff:203.0.113.7", "203.0.113.7"],
    ["::ffff:cb00:7107", "203.0.113.7"],
    // Not an address: one shared key, never the raw header.
    [undefined, "unknown"],
    ["", "unknown"],
    ["not-an-ip", "unknown"],
    ["256.1.1.1", "unknown"],
    ["1.2.3", "unknown"],
    ["2001:db8::1::2", "unknown"],
    ["2001:db8:1:2:3:4:5:6:7", "unknown"],
    ["2001:db8:1:2:3:4:5", "unknown"],
    ["12345::1", "unknown"],
    ["1.2.3.4:80", "unknown"],
  ])("%j → %j", (address, network) => {
    expect(clientNetwork(address)).toBe(network);
  });

  it("gives every address of one /64 the same key, and neighbouring /64s different ones", () => {
    const keys = new Set(["2001:db8:a:b::1", "2001:db8:a:b::dead:beef", "2001:db8:a:b:1234:5678:9abc:def0"].map(clientNetwork));
    expect(keys).toEqual(new Set(["2001:db8:a:b::/64"]));
    expect(clientNetwork("2001:db8:a:c::1")).not.toBe(clientNetwork("2001:db8:a:b::1"));
  });
});
