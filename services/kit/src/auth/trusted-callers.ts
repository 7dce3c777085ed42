import net from "node:net";

/** One TRUSTED_CALLERS entry: callers from `network` get `scopes` when they send no token. */
export interface TrustedNetwork {
  /** As written, e.g. "10.0.0.0/16". */
  readonly network: string;
  readonly scopes: readonly string[];
  readonly blocks: net.BlockList;
}

const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]+$/; // RFC 6749 scope-token, as in service tokens

/**
 * Parses `CIDR=scope scope;CIDR=scope…` (e.g. "10.0.0.0/16=users:read;192.168.7.4/32=admin").
 * Throws an Error saying which entry is wrong; an empty string means none.
 */
export function parseTrustedCallers(raw: string): TrustedNetwork[] {
  return raw
    .split(";")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")
    .map((entry) => {
      const [network = "", scopeList = ""] = entry.split("=", 2).map((part) => part.trim());
      const match = /^([^/]+)\/(\d{1,3})$/.exec(network);
      const type = match ? net.isIP(match[1]!) : 0;
      const prefix = match ? Number(match[2]) : -1;
      if (!match || type === 0 || prefix > (type === 4 ? 32 : 128)) {
        throw new Error(`"${network}" is not a network in CIDR form (e.g. 10.0.0.0/16 or fd00::/64)`);
      }
      const scopes = scopeList.split(" ").filter((s) => s !== "");
      if (scopes.length === 0 || !scopes.every((s) => SCOPE.test(s))) throw new Error(`"${network}" needs scopes after "=", e.g. ${network}=users:read`);
      const blocks = new net.BlockList();
      blocks.addSubnet(match[1]!, prefix, type === 4 ? "ipv4" : "ipv6");
      return { network, scopes, blocks };
    });
}

/** The first entry whose network holds `address` (IPv4-mapped IPv6 addresses count as IPv4). */
export function trustedNetworkOf(networks: readonly TrustedNetwork[], address: string | undefined): TrustedNetwork | undefined {
  if (address === undefined || networks.length === 0) return undefined;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const plain = mapped ? mapped[1]! : address;
  const type = net.isIP(plain) === 4 ? "ipv4" : "ipv6";
  return networks.find((n) => n.blocks.check(plain, type));
}
