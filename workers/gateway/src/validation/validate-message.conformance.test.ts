import type { DescMessage } from "@bufbuild/protobuf";
import { OrderService } from "@grpc-edge/proto/orders/v1";
import { UserService } from "@grpc-edge/proto/user/v1";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { messageArbitrary } from "../../test/validation-arbitraries.ts";
import { beyond, canonical, edge, protovalidate, type Seen } from "../../test/validation-oracle.ts";
import { testMessage } from "../../test/validation-test-protos.ts";

// The edge validator against full protovalidate (what the services run), on generated
// messages: both must report the same violations — path, rule id and message — except
// for the rules the edge deliberately leaves to the services, listed here.

/**
 * What the edge does not evaluate, by rule id, and why. For these the edge must stay
 * silent (a request it lets through is still checked by the service); it must never
 * report them, nor anything protovalidate does not.
 */
const SKIPPED: Record<string, string> = {
  "test.field_cel": "(buf.validate.field).cel: a CEL interpreter is most of protovalidate's bundle size",
  "test.message_cel": "(buf.validate.message).cel: likewise",
  "bytes.min_len": "bytes rules (all bytes.*): no bytes fields in REST requests",
  "bytes.max_len": "bytes rules (all bytes.*)",
  "string.hostname": "rare string formats: hostname, ip*, uri*, address, ulid, protobuf_fqn, host_and_port, well_known_regex",
  "string.hostname_empty": "rare string formats",
  "string.ip": "rare string formats",
  "string.ip_empty": "rare string formats",
  "string.uri": "rare string formats",
  "string.uri_empty": "rare string formats",
  "string.ulid": "rare string formats",
  "string.ulid_empty": "rare string formats",
  "string.address": "rare string formats",
  "string.address_empty": "rare string formats",
  "timestamp.gt": "timestamp.* rules (CEL-only in protovalidate-es too)",
  "duration.lte": "duration.* rules (CEL-only in protovalidate-es too)",
  "string.pattern": "only patterns JavaScript cannot read as RE2 does (POSIX classes, flags, \\S in a class, \\pL, \\x{..}); others are checked",
};

// The contract's request messages: no skips, the edge must agree with protovalidate exactly.
const contract = [UserService, OrderService].flatMap((service) =>
  service.methods.map((m) => ({ name: `${service.typeName}.${m.name}`, desc: m.input, skips: [] as string[] })),
);

const covered = ["Ints", "Floats", "Strings", "Enums", "Lists", "Maps", "Presence", "MessageOneof", "Wrappers", "Nested"];
const testOnly = [
  ...covered.map((name) => ({ name, desc: testMessage(name), skips: [] as string[] })),
  { name: "Skipped", desc: testMessage("Skipped"), skips: Object.keys(SKIPPED).filter((id) => id !== "string.pattern") },
  { name: "Re2OnlyPatterns", desc: testMessage("Re2OnlyPatterns"), skips: ["string.pattern"] },
];

/** The standard rules the edge claims; each must come up (and agree) in the runs below. */
const CLAIMED = [
  ...["int32.gt", "int32.gte_lte", "int32.gt_lt_exclusive", "int32.gte_lte_exclusive", "int32.const", "int32.in", "int32.not_in"],
  ...["int64.gt_lt", "int64.in", "int64.const", "uint32.lte", "uint64.gte", "uint64.not_in", "sint32.lt", "sint64.gte_lt_exclusive"],
  ...["fixed32.gt_lte", "fixed64.const", "sfixed32.in", "sfixed64.lte", "bool.const"],
  ...["float.gt_lt", "float.const", "float.gt_lt_exclusive", "float.lte", "double.gte_lte", "double.finite", "double.in", "double.not_in", "double.gt"],
  ...["string.len", "string.min_len", "string.max_len", "string.len_bytes", "string.min_bytes", "string.max_bytes", "string.pattern"],
  ...["string.prefix", "string.suffix", "string.contains", "string.not_contains", "string.const", "string.in", "string.not_in"],
  ...["string.email", "string.email_empty", "string.uuid", "string.uuid_empty", "string.tuuid", "string.tuuid_empty"],
  ...["enum.defined_only", "enum.const", "enum.in", "enum.not_in"],
  ...["repeated.min_items", "repeated.max_items", "repeated.unique", "map.min_pairs", "map.max_pairs", "uint32.gt", "int64.gt"],
  ...["required", "message.oneof", "int32.lt", "uint32.const", "double.gte", "uint64.lte", "float.gt"],
];

const runs = { seed: 20_260_601, numRuns: 400 };
const reported = new Map<string, number>(); // rule id → how often protovalidate reported it
const skippedSeen = new Map<string, number>();

function check(desc: DescMessage, skips: readonly string[]) {
  fc.assert(
    fc.property(messageArbitrary(desc, 2), (message) => {
      const reference = protovalidate(desc, message);
      for (const v of reference) {
        const tally = skips.includes(v.ruleId) ? skippedSeen : reported;
        tally.set(v.ruleId, (tally.get(v.ruleId) ?? 0) + 1);
      }
      const atEdge = edge(desc, message);
      const skipped = (v: Seen) => skips.includes(v.ruleId);
      // Rules the edge checks: exactly protovalidate's violations, messages included.
      expect(canonical(atEdge.filter((v) => !skipped(v)))).toEqual(canonical(reference.filter((v) => !skipped(v))));
      // Rules it skips: it may stay silent, but never report what protovalidate does not.
      expect(beyond(canonical(atEdge.filter(skipped)), canonical(reference.filter(skipped)))).toEqual([]);
    }),
    runs,
  );
}

describe("edge validator vs protovalidate", () => {
  describe.each([...contract, ...testOnly])("$name", ({ desc, skips }) => {
    it("reports what protovalidate reports (bar the listed skips)", () => check(desc, skips));
  });

  it("covered every rule the edge claims", () => {
    expect(CLAIMED.filter((id) => !reported.has(id))).toEqual([]);
  });

  it("exercised every skipped rule: protovalidate reported it, the edge stayed silent", () => {
    expect(Object.keys(SKIPPED).filter((id) => !skippedSeen.has(id))).toEqual([]);
  });
});
