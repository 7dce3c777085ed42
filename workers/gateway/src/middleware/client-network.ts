/**
 * The rate-limit key of a client address (CF-Connecting-IP): an IPv4 address as is, an
 * IPv6 address by its /64. One subscriber, one data centre host or one VPS is routinely
 * handed a whole /64, so keying by the full address would give them 2^64 budgets. An
 * IPv4-mapped IPv6 address (::ffff:a.b.c.d) is its IPv4 address. Anything that does not
 * parse shares one key, "unknown": Cloudflare always sets the header, so only local runs
 * without it land there.
 */
export function clientNetwork(address: string | undefined): string {
  const value = address?.trim() ?? "";
  if (isIpv4(value)) return value;
  const groups = ipv6Groups(value);
  if (groups === undefined) return "unknown";
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (mapped) return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join(".");
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(":")}::/64`;
}

const IPV4 = /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$/;

function isIpv4(value: string): boolean {
  return IPV4.test(value);
}

/** The eight 16-bit groups of an IPv6 address (a zone id is dropped), or undefined. */
function ipv6Groups(raw: string): number[] | undefined {
  const value = raw.replace(/%.*$/, "").toLowerCase();
  if (value.length > 45 || !value.includes(":")) return undefined;
  const halves = value.split("::");
  if (halves.length > 2) return undefined;
  const parse = (part: string): number[] | undefined => {
    if (part === "") return [];
    const out: number[] = [];
    const pieces = part.split(":");
    for (const [i, piece] of pieces.entries()) {
      // An embedded IPv4 address may only end the address.
      if (i === pieces.length - 1 && isIpv4(piece)) {
        const [a, b, c, d] = piece.split(".").map(Number) as [number, number, number, number];
        out.push((a << 8) | b, (c << 8) | d);
      } else if (/^[0-9a-f]{1,4}$/.test(piece)) {
        out.push(parseInt(piece, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  if (head === undefined || tail === undefined) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  // "::" stands for at least one group of zeros.
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return undefined;
  return [...head, ...Array<number>(missing).fill(0), ...tail];
}
