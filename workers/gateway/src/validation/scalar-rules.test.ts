import { create, ScalarType, type DescEnum, type MessageInitShape } from "@bufbuild/protobuf";
import type { ScalarValue } from "@bufbuild/protobuf/reflect";
import { FieldRulesSchema, StringRulesSchema } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import { describe, expect, it } from "vitest";
import { testRegistry } from "../../test/validation-test-protos.ts";
import { checkScalar, hasRule } from "./scalar-rules.ts";

type FieldRulesInit = MessageInitShape<typeof FieldRulesSchema>;

const wellKnown = new Set(["email", "uuid", "tuuid", "hostname", "ip", "ipv4", "ipv6", "uri", "uriRef", "address", "ulid", "protobufFqn", "hostAndPort"]);

/**
 * `rule("int32", { gt: 0, lte: 10 })` → FieldRules init: gt/gte and lt/lte go to their
 * oneofs, string formats to `wellKnown`.
 */
function rule(kind: string, r: Record<string, unknown> = {}): FieldRulesInit {
  const value: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) {
    if (k === "gt" || k === "gte") value.greaterThan = { case: k, value: v };
    else if (k === "lt" || k === "lte") value.lessThan = { case: k, value: v };
    else if (wellKnown.has(k)) value.wellKnown = { case: k, value: v };
    else value[k] = v;
  }
  return { type: { case: kind, value } } as FieldRulesInit;
}

const color = testRegistry.getEnum("validation.test.v1.Color") as DescEnum;
const S = ScalarType;

type Row = [what: string, kind: string, rules: Record<string, unknown>, scalar: ScalarType | "enum", value: ScalarValue, expected: [string, string][]];

const rows: Row[] = [
  // numbers: bounds, ranges, exclusive ranges, const, lists
  ["gt: equal is too small", "int32", { gt: 0 }, S.INT32, 0, [["int32.gt", "must be greater than 0"]]],
  ["gt: above passes", "int32", { gt: 0 }, S.INT32, 1, []],
  ["gte/lte: 501 fails the pair", "int32", { gte: 0, lte: 500 }, S.INT32, 501, [["int32.gte_lte", "must be greater than or equal to 0 and less than or equal to 500"]]],
  ["gte/lte: -1 fails the pair", "int32", { gte: 0, lte: 500 }, S.INT32, -1, [["int32.gte_lte", "must be greater than or equal to 0 and less than or equal to 500"]]],
  ["gte/lte: bounds pass", "int32", { gte: 0, lte: 500 }, S.INT32, 500, []],
  ["exclusive range: inside the gap fails", "int32", { gt: 10, lt: 0 }, S.INT32, 5, [["int32.gt_lt_exclusive", "must be greater than 10 or less than 0"]]],
  ["exclusive range: the bound itself fails", "int32", { gt: 10, lt: 0 }, S.INT32, 10, [["int32.gt_lt_exclusive", "must be greater than 10 or less than 0"]]],
  ["exclusive range: above passes", "int32", { gt: 10, lt: 0 }, S.INT32, 11, []],
  ["exclusive range: below passes", "int32", { gt: 10, lt: 0 }, S.INT32, -1, []],
  ["lte alone", "uint64", { lte: 10n }, S.UINT64, 11n, [["uint64.lte", "must be less than or equal to 10"]]],
  ["const on int64", "int64", { const: 9n }, S.INT64, 8n, [["int64.const", "must equal 9"]]],
  ["in and not_in both", "sint32", { in: [1, 2], notIn: [2] }, S.SINT32, 3, [["sint32.in", "must be in list [1, 2]"]]],
  ["not_in", "sint32", { in: [1, 2], notIn: [2] }, S.SINT32, 2, [["sint32.not_in", "must not be in list [2]"]]],
  ["NaN fails a float range", "float", { gt: 0, lt: 1 }, S.FLOAT, Number.NaN, [["float.gt_lt", "must be greater than 0 and less than 1"]]],
  ["NaN fails an exclusive float range", "double", { gt: 1, lt: -1 }, S.DOUBLE, Number.NaN, [["double.gt_lt_exclusive", "must be greater than 1 or less than -1"]]],
  ["finite: Infinity", "double", { finite: true }, S.DOUBLE, Infinity, [["double.finite", "must be finite"]]],
  ["finite: NaN", "double", { finite: true }, S.DOUBLE, Number.NaN, [["double.finite", "must be finite"]]],
  ["a NaN is in no list (strict equality)", "double", { notIn: [Number.NaN] }, S.DOUBLE, Number.NaN, []],
  ["double in", "double", { in: [0.25, 0.5] }, S.DOUBLE, 0.3, [["double.in", "must be in list [0.25, 0.5]"]]],
  ["large bounds print as JavaScript numbers", "double", { gt: 1e21 }, S.DOUBLE, 5, [["double.gt", "must be greater than 1e+21"]]],
  ["bool const", "bool", { const: true }, S.BOOL, false, [["bool.const", "must equal true"]]],
  ["rules of another type are not ours to judge", "int32", { gt: 0 }, S.STRING, "x", []],
  // strings: lengths in code points and UTF-8 bytes
  ["min_len counts code points, not UTF-16 units", "string", { minLen: 2n }, S.STRING, "😀", [["string.min_len", "must be at least 2 characters"]]],
  ["max_len counts code points", "string", { maxLen: 2n }, S.STRING, "é😀", []],
  ["len", "string", { len: 3n }, S.STRING, "ab", [["string.len", "must be 3 characters"]]],
  ["max_bytes counts UTF-8 bytes", "string", { maxBytes: 4n }, S.STRING, "é😀", [["string.max_bytes", "must be at most 4 bytes"]]],
  ["len_bytes", "string", { lenBytes: 2n }, S.STRING, "é", []],
  ["min_bytes", "string", { minBytes: 2n }, S.STRING, "a", [["string.min_bytes", "must be at least 2 bytes"]]],
  // strings: pattern (RE2 semantics) and affixes
  ["pattern mismatch", "string", { pattern: "^[a-z]+$" }, S.STRING, "abc1", [["string.pattern", "does not match regex pattern `^[a-z]+$`"]]],
  ["RE2 `.` matches \\r", "string", { pattern: "^a.b$" }, S.STRING, "a\rb", []],
  ["RE2 `.` does not match \\n", "string", { pattern: "^a.b$" }, S.STRING, "a\nb", [["string.pattern", "does not match regex pattern `^a.b$`"]]],
  ["RE2 \\S takes a no-break space", "string", { pattern: "^\\S+$" }, S.STRING, "a\u00a0b", []],
  ["RE2 \\S refuses a space", "string", { pattern: "^\\S+$" }, S.STRING, "a b", [["string.pattern", "does not match regex pattern `^\\S+$`"]]],
  ["an RE2-only pattern is left to the service", "string", { pattern: "^[[:alpha:]]+$" }, S.STRING, "123", []],
  ["prefix", "string", { prefix: "ab" }, S.STRING, "xab", [["string.prefix", "does not have prefix `ab`"]]],
  ["suffix", "string", { suffix: "yz" }, S.STRING, "yza", [["string.suffix", "does not have suffix `yz`"]]],
  ["contains", "string", { contains: "m" }, S.STRING, "abc", [["string.contains", "does not contain substring `m`"]]],
  ["not_contains", "string", { notContains: "bad" }, S.STRING, "so bad", [["string.not_contains", "contains substring `bad`"]]],
  ["const", "string", { const: "exact" }, S.STRING, "Exact", [["string.const", "must equal `exact`"]]],
  ["in", "string", { in: ["a", "b"] }, S.STRING, "c", [["string.in", "must be in list [a, b]"]]],
  ["not_in", "string", { notIn: ["x"] }, S.STRING, "x", [["string.not_in", "must not be in list [x]"]]],
  // strings: formats
  ["email: empty", "string", { email: true }, S.STRING, "", [["string.email_empty", "value is empty, which is not a valid email address"]]],
  ["email: no TLD needed (WHATWG)", "string", { email: true }, S.STRING, "ada@example", []],
  ["email: trailing dot", "string", { email: true }, S.STRING, "ada@example.", [["string.email", "must be a valid email address"]]],
  ["email: non-ASCII local part", "string", { email: true }, S.STRING, "ü@example.com", [["string.email", "must be a valid email address"]]],
  ["email: a space", "string", { email: true }, S.STRING, "a b@example.com", [["string.email", "must be a valid email address"]]],
  ["email: false is no rule", "string", { email: false }, S.STRING, "", []],
  ["uuid: empty", "string", { uuid: true }, S.STRING, "", [["string.uuid_empty", "value is empty, which is not a valid UUID"]]],
  ["uuid: upper case passes", "string", { uuid: true }, S.STRING, "0F8FAD5B-D9CB-469F-A165-70867728950E", []],
  ["uuid: not one", "string", { uuid: true }, S.STRING, "not-a-uuid", [["string.uuid", "must be a valid UUID"]]],
  ["tuuid: dashes are not trimmed", "string", { tuuid: true }, S.STRING, "0f8fad5b-d9cb-469f-a165-70867728950e", [["string.tuuid", "must be a valid trimmed UUID"]]],
  ["tuuid: 32 hex digits", "string", { tuuid: true }, S.STRING, "0f8fad5bd9cb469fa16570867728950e", []],
  ["rare formats are left to the service", "string", { hostname: true }, S.STRING, "", []],
  ["bytes rules are left to the service", "bytes", { minLen: 2n }, S.BYTES, new Uint8Array(), []],
  // enums
  ["defined_only", "enum", { definedOnly: true }, "enum", 7, [["enum.defined_only", "value must be one of the defined enum values"]]],
  ["defined_only: a defined value", "enum", { definedOnly: true }, "enum", 2, []],
  ["enum in", "enum", { in: [1, 2] }, "enum", 0, [["enum.in", "must be in list [1, 2]"]]],
  ["enum const and not_in", "enum", { const: 1, notIn: [0] }, "enum", 0, [["enum.const", "must equal 1"], ["enum.not_in", "must not be in list [0]"]]],
];

describe("checkScalar", () => {
  it.each(rows)("%s", (_, kind, r, scalar, value, expected) => {
    const rules = create(FieldRulesSchema, rule(kind, r));
    const got: [string, string][] = [];
    checkScalar(rules.type, value, scalar === "enum" ? { enum: color } : { scalar }, (id, message) => got.push([id, message]));
    expect(got).toEqual(expected);
  });
});

describe("hasRule", () => {
  it("tells an explicit zero from an unset rule", () => {
    expect(hasRule(create(StringRulesSchema, { minLen: 0n }), "min_len")).toBe(true);
    expect(hasRule(create(StringRulesSchema, {}), "min_len")).toBe(false);
    expect(hasRule(create(StringRulesSchema, { maxLen: 3n }), "no_such_rule")).toBe(false);
  });
});
