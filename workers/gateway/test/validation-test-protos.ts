import type { DescMessage, MessageInitShape } from "@bufbuild/protobuf";
import type { FieldRulesSchema } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import { buildValidationFile, Type, type VField } from "./validation-descriptors.ts";

type FieldRulesInit = MessageInitShape<typeof FieldRulesSchema>;

const wellKnown = new Set(["email", "uuid", "tuuid", "hostname", "ip", "ipv4", "ipv6", "uri", "uriRef", "address", "ulid", "protobufFqn", "hostAndPort"]);

/**
 * `rule("int32", { gt: 0, lte: 10 })` → FieldRules init: gt/gte and lt/lte go to their
 * oneofs, string formats to `wellKnown`; `extra` holds the rest (required, ignore, cel).
 */
export function rule(kind: string, r: Record<string, unknown> = {}, extra: FieldRulesInit = {}): FieldRulesInit {
  const value: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) {
    if (k === "gt" || k === "gte") value.greaterThan = { case: k, value: v };
    else if (k === "lt" || k === "lte") value.lessThan = { case: k, value: v };
    else if (wellKnown.has(k)) value.wellKnown = { case: k, value: v };
    else value[k] = v;
  }
  return { ...extra, type: { case: kind, value } } as FieldRulesInit;
}

const pkg = "validation.test.v1";
const inner = `.${pkg}.Inner`;
const color = `.${pkg}.Color`;
const f = (n: number, spec: VField): [number, VField] => [n, spec];

/**
 * Test-only messages covering the standard rules the edge implements (and, in
 * `Skipped` and `Re2OnlyPatterns`, rules it deliberately leaves to the services).
 */
export const testRegistry = buildValidationFile({
  package: pkg,
  enums: { Color: ["COLOR_UNSPECIFIED", "COLOR_RED", "COLOR_GREEN"] },
  messages: {
    Inner: {
      fields: {
        n: f(1, { type: Type.INT32, rules: rule("int32", { gt: 0 }) }),
        s: f(2, { rules: rule("string", { minLen: 1n }) }),
      },
    },
    Ints: {
      fields: {
        i32_gt: f(1, { type: Type.INT32, rules: rule("int32", { gt: 0 }) }),
        i32_range: f(2, { type: Type.INT32, rules: rule("int32", { gte: -10, lte: 10 }) }),
        i32_excl: f(3, { type: Type.INT32, rules: rule("int32", { gt: 10, lt: 0 }) }),
        i32_excl_incl: f(4, { type: Type.INT32, rules: rule("int32", { gte: 5, lte: 1 }) }),
        i32_const: f(5, { type: Type.INT32, rules: rule("int32", { const: 7 }) }),
        i32_in: f(6, { type: Type.INT32, rules: rule("int32", { in: [1, 2, 3], notIn: [2] }) }),
        i64_range: f(7, { type: Type.INT64, rules: rule("int64", { gt: -5n, lt: 5n }) }),
        i64_in: f(8, { type: Type.INT64, rules: rule("int64", { in: [-1n, 1n], const: 1n }) }),
        u32_lte: f(9, { type: Type.UINT32, rules: rule("uint32", { lte: 100 }) }),
        u64_gte: f(10, { type: Type.UINT64, rules: rule("uint64", { gte: 1n, notIn: [3n] }) }),
        s32_lt: f(11, { type: Type.SINT32, rules: rule("sint32", { lt: -1 }) }),
        s64_excl: f(12, { type: Type.SINT64, rules: rule("sint64", { gte: 10n, lt: -10n }) }),
        f32_gt_lte: f(13, { type: Type.FIXED32, rules: rule("fixed32", { gt: 5, lte: 6 }) }),
        f64_const: f(14, { type: Type.FIXED64, rules: rule("fixed64", { const: 9n }) }),
        sf32_in: f(15, { type: Type.SFIXED32, rules: rule("sfixed32", { in: [-2, 2] }) }),
        sf64_lte: f(16, { type: Type.SFIXED64, rules: rule("sfixed64", { lte: -3n }) }),
        b_const: f(17, { type: Type.BOOL, rules: rule("bool", { const: true }) }),
      },
    },
    Floats: {
      fields: {
        f_range: f(1, { type: Type.FLOAT, rules: rule("float", { gt: 0, lt: 1 }) }),
        f_const: f(2, { type: Type.FLOAT, rules: rule("float", { const: 0.5 }) }),
        f_excl: f(3, { type: Type.FLOAT, rules: rule("float", { gt: 1, lt: -1 }) }),
        d_range: f(4, { type: Type.DOUBLE, rules: rule("double", { gte: -1.5, lte: 1.5 }) }),
        d_finite: f(5, { type: Type.DOUBLE, rules: rule("double", { finite: true }) }),
        d_in: f(6, { type: Type.DOUBLE, rules: rule("double", { in: [0.25, 0.5], notIn: [0.5] }) }),
        d_not_in_nan: f(7, { type: Type.DOUBLE, rules: rule("double", { notIn: [Number.NaN, 0] }) }),
        d_gt: f(8, { type: Type.DOUBLE, rules: rule("double", { gt: 1e21 }) }),
        f_lte: f(9, { type: Type.FLOAT, rules: rule("float", { lte: -0.1 }) }),
      },
    },
    Strings: {
      fields: {
        len_range: f(1, { rules: rule("string", { minLen: 2n, maxLen: 4n }) }),
        len_exact: f(2, { rules: rule("string", { len: 3n }) }),
        bytes_range: f(3, { rules: rule("string", { minBytes: 2n, maxBytes: 4n }) }),
        bytes_exact: f(4, { rules: rule("string", { lenBytes: 4n }) }),
        pattern: f(5, { rules: rule("string", { pattern: "^[a-z]+[0-9]*$" }) }),
        pattern_dot: f(6, { rules: rule("string", { pattern: "^a.b?$" }) }),
        pattern_space: f(7, { rules: rule("string", { pattern: "^\\S+(\\s\\S+)?$" }) }),
        pattern_class: f(8, { rules: rule("string", { pattern: "^[^\\s@.]+(-[a\\d]+)*$" }) }),
        affixes: f(9, { rules: rule("string", { prefix: "ab", suffix: "yz", contains: "m", notContains: "bad" }) }),
        const: f(10, { rules: rule("string", { const: "exact" }) }),
        in: f(11, { rules: rule("string", { in: ["a", "b", "😀"], notIn: ["b"] }) }),
        not_in: f(12, { rules: rule("string", { notIn: ["", "x"] }) }),
        email: f(13, { rules: rule("string", { email: true, maxLen: 20n }) }),
        uuid: f(14, { rules: rule("string", { uuid: true }) }),
        tuuid: f(15, { rules: rule("string", { tuuid: true }) }),
        email_off: f(16, { rules: rule("string", { email: false }) }),
        email_ignore_zero: f(17, { rules: rule("string", { email: true }, { ignore: 1 }) }),
      },
    },
    Enums: {
      fields: {
        defined: f(1, { enum: color, rules: rule("enum", { definedOnly: true }) }),
        const: f(2, { enum: color, rules: rule("enum", { const: 1 }) }),
        in: f(3, { enum: color, rules: rule("enum", { in: [1, 2], notIn: [2], definedOnly: true }) }),
        not_in: f(4, { enum: color, rules: rule("enum", { notIn: [0] }) }),
        optional: f(5, { enum: color, optional: true, rules: rule("enum", { definedOnly: true, notIn: [0] }) }),
      },
    },
    Lists: {
      fields: {
        sized: f(1, { type: Type.INT32, repeated: true, rules: rule("repeated", { minItems: 1n, maxItems: 3n }) }),
        unique_strings: f(2, { repeated: true, rules: rule("repeated", { unique: true }) }),
        items: f(3, { type: Type.INT32, repeated: true, rules: rule("repeated", { items: rule("int32", { gt: 0 }) }) }),
        items_ignore_zero: f(4, { repeated: true, rules: rule("repeated", { items: rule("string", { minLen: 2n }, { ignore: 1 }) }) }),
        unique_doubles: f(5, { type: Type.DOUBLE, repeated: true, rules: rule("repeated", { unique: true }) }),
        unique_bytes: f(6, { type: Type.BYTES, repeated: true, rules: rule("repeated", { unique: true }) }),
        enums: f(7, { enum: color, repeated: true, rules: rule("repeated", { unique: true, items: rule("enum", { definedOnly: true }, { ignore: 1 }) }) }),
        messages: f(8, { message: inner, repeated: true, rules: rule("repeated", { maxItems: 2n }) }),
        plain_messages: f(9, { message: inner, repeated: true }),
        ignore_empty: f(10, { type: Type.INT64, repeated: true, rules: rule("repeated", { minItems: 2n }, { ignore: 1 }) }),
        items_always: f(11, { type: Type.UINT32, repeated: true, rules: rule("repeated", { items: rule("uint32", { gt: 5 }, { ignore: 3 }) }) }),
        unique_off: f(12, { type: Type.BOOL, repeated: true, rules: rule("repeated", { unique: false, maxItems: 1n }) }),
      },
    },
    Maps: {
      fields: {
        sized: f(1, { type: Type.INT32, mapKey: Type.STRING, rules: rule("map", { minPairs: 1n, maxPairs: 2n, keys: rule("string", { minLen: 1n, maxLen: 3n }), values: rule("int32", { gt: 0 }) }) }),
        int_keys: f(2, { type: Type.STRING, mapKey: Type.INT64, rules: rule("map", { keys: rule("int64", { gt: 0n }), values: rule("string", { maxLen: 3n }) }) }),
        enum_values: f(3, { enum: color, mapKey: Type.BOOL, rules: rule("map", { values: rule("enum", { definedOnly: true }) }) }),
        message_values: f(4, { message: inner, mapKey: Type.STRING }),
        ignore_zero_keys: f(5, { type: Type.STRING, mapKey: Type.UINT32, rules: rule("map", { keys: rule("uint32", { gt: 5 }, { ignore: 1 }), values: rule("string", { in: ["a"] }, { ignore: 1 }) }) }),
        ignore_empty: f(6, { type: Type.SINT32, mapKey: Type.SINT32, rules: rule("map", { minPairs: 1n }, { ignore: 1 }) }),
      },
    },
    Presence: {
      oneofs: [{ name: "choice", required: true }, { name: "free" }],
      fields: {
        req_string: f(1, { rules: { required: true } }),
        req_optional: f(2, { type: Type.INT32, optional: true, rules: rule("int32", { gt: 0 }, { required: true }) }),
        req_message: f(3, { message: inner, rules: { required: true } }),
        req_list: f(4, { type: Type.INT32, repeated: true, rules: { required: true } }),
        req_map: f(5, { type: Type.INT32, mapKey: Type.STRING, rules: { required: true } }),
        choice_a: f(6, { oneof: 0, rules: rule("string", { minLen: 2n }) }),
        choice_b: f(7, { type: Type.INT32, oneof: 0, rules: rule("int32", { gt: 0 }) }),
        free_a: f(8, { oneof: 1, rules: rule("string", { maxLen: 1n }) }),
        free_m: f(9, { message: inner, oneof: 1 }),
        opt: f(10, { type: Type.INT32, optional: true, rules: rule("int32", { gt: 0 }) }),
        opt_string: f(11, { optional: true, rules: rule("string", { email: true, maxLen: 10n }) }),
        ignore_zero: f(12, { type: Type.INT32, rules: rule("int32", { gt: 5 }, { ignore: 1 }) }),
        ignore_always: f(13, { type: Type.INT32, rules: rule("int32", { gt: 5 }, { ignore: 3, required: true }) }),
        ignore_zero_optional: f(14, { optional: true, rules: rule("string", { minLen: 3n }, { ignore: 1 }) }),
        ignored_message: f(15, { message: inner, rules: { ignore: 3 } }),
        req_ignore_zero: f(16, { type: Type.INT32, rules: rule("int32", { lt: 0 }, { ignore: 1, required: true }) }),
      },
    },
    MessageOneof: {
      rules: { oneof: [{ fields: ["x", "y"], required: true }, { fields: ["z", "w", "u"] }] },
      fields: {
        x: f(1, { rules: rule("string", { minLen: 3n }) }),
        y: f(2, { type: Type.INT32, rules: rule("int32", { gt: 0 }) }),
        z: f(3, { type: Type.BOOL }),
        w: f(4, { message: inner }),
        v: f(5, { type: Type.INT32, rules: rule("int32", { gt: 0 }) }),
        u: f(6, { rules: rule("string", { minLen: 3n }, { ignore: 0 }) }),
      },
    },
    Wrappers: {
      fields: {
        i32: f(1, { message: ".google.protobuf.Int32Value", rules: rule("int32", { gt: 0 }) }),
        str: f(2, { message: ".google.protobuf.StringValue", rules: rule("string", { minLen: 2n, email: true }) }),
        dbl: f(3, { message: ".google.protobuf.DoubleValue", rules: rule("double", { finite: true, gte: 0 }) }),
        bool: f(4, { message: ".google.protobuf.BoolValue", rules: rule("bool", { const: true }) }),
        u64: f(5, { message: ".google.protobuf.UInt64Value", rules: rule("uint64", { lte: 10n }) }),
        i64: f(6, { message: ".google.protobuf.Int64Value", rules: rule("int64", { in: [1n, 2n] }) }),
        flt: f(7, { message: ".google.protobuf.FloatValue", rules: rule("float", { gt: 0.5 }) }),
        u32: f(8, { message: ".google.protobuf.UInt32Value", rules: rule("uint32", { const: 3 }, { required: true }) }),
        plain: f(9, { message: ".google.protobuf.Int32Value" }),
      },
    },
    Nested: {
      fields: {
        inner: f(1, { message: inner }),
        required_inner: f(2, { message: inner, rules: { required: true } }),
        inners: f(3, { message: inner, repeated: true, rules: rule("repeated", { maxItems: 2n }) }),
        by_name: f(4, { message: inner, mapKey: Type.STRING, rules: rule("map", { keys: rule("string", { prefix: "k" }) }) }),
        ignored: f(5, { message: inner, rules: { ignore: 3 } }),
        items_always: f(6, { message: inner, repeated: true, rules: rule("repeated", { items: { ignore: 3 } }) }),
      },
    },
    Skipped: {
      rules: { cel: [{ id: "test.message_cel", message: "n must not be 13", expression: "this.n != 13" }] },
      fields: {
        n: f(1, { type: Type.INT32, rules: { cel: [{ id: "test.field_cel", message: "must be even", expression: "this % 2 == 0" }] } }),
        bytes: f(2, { type: Type.BYTES, rules: rule("bytes", { minLen: 2n, maxLen: 4n }) }),
        hostname: f(3, { rules: rule("string", { hostname: true }) }),
        ip: f(4, { rules: rule("string", { ip: true }) }),
        uri: f(5, { rules: rule("string", { uri: true }) }),
        ulid: f(6, { rules: rule("string", { ulid: true }) }),
        when: f(7, { message: ".google.protobuf.Timestamp", rules: rule("timestamp", { gt: { seconds: 0n } }) }),
        took: f(8, { message: ".google.protobuf.Duration", rules: rule("duration", { lte: { seconds: 10n } }) }),
        unique_messages: f(9, { message: inner, repeated: true, rules: rule("repeated", { unique: true }) }),
        email_and_len: f(10, { rules: rule("string", { address: true, maxLen: 5n }) }),
      },
    },
    Re2OnlyPatterns: {
      fields: {
        posix: f(1, { rules: rule("string", { pattern: "^[[:alpha:]]+$" }) }),
        flags: f(2, { rules: rule("string", { pattern: "(?i)^ab$" }) }),
        class_non_space: f(3, { rules: rule("string", { pattern: "^[\\S]+$" }) }),
        unicode_class: f(4, { rules: rule("string", { pattern: "^\\pL+$" }) }),
        also_min_len: f(5, { rules: rule("string", { pattern: "^\\x{61}+$", minLen: 2n }) }),
      },
    },
  },
});

export function testMessage(name: string): DescMessage {
  const desc = testRegistry.getMessage(`${pkg}.${name}`);
  if (desc === undefined) throw new Error(`no test message ${name}`);
  return desc;
}
