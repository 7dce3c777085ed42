import { isFieldSet, ScalarType, type DescEnum, type DescMessage, type Message } from "@bufbuild/protobuf";
import type { ScalarValue } from "@bufbuild/protobuf/reflect";
import { FieldRulesSchema, type FieldRules } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import { re2Pattern } from "./re2-pattern.ts";

/** Records a violation of the value being checked; messages and ids are protovalidate's. */
export type Report = (ruleId: string, message: string) => void;

// The rules message each scalar type takes; rules of another type are not ours to judge.
const ruleCase: Record<ScalarType, string> = {
  [ScalarType.DOUBLE]: "double",
  [ScalarType.FLOAT]: "float",
  [ScalarType.INT64]: "int64",
  [ScalarType.UINT64]: "uint64",
  [ScalarType.INT32]: "int32",
  [ScalarType.FIXED64]: "fixed64",
  [ScalarType.FIXED32]: "fixed32",
  [ScalarType.BOOL]: "bool",
  [ScalarType.STRING]: "string",
  [ScalarType.BYTES]: "bytes",
  [ScalarType.UINT32]: "uint32",
  [ScalarType.SFIXED32]: "sfixed32",
  [ScalarType.SFIXED64]: "sfixed64",
  [ScalarType.SINT32]: "sint32",
  [ScalarType.SINT64]: "sint64",
};

const rulesDescs = new Map<string, DescMessage>(
  FieldRulesSchema.fields.flatMap((f) => (f.message === undefined ? [] : [[f.message.typeName, f.message] as const])),
);

/** Whether an optional rule (`const`, `min_len`, …) is present in a rules message. */
export function hasRule(rules: Message, name: string): boolean {
  const field = rulesDescs.get(rules.$typeName)?.fields.find((f) => f.name === name);
  return field !== undefined && isFieldSet(rules, field);
}

const list = (values: readonly unknown[]) => `[${values.map(String).join(", ")}]`;
// Strict equality, as protovalidate: a NaN value is in no list (Array.includes would find it).
const listed = (values: readonly unknown[], v: unknown) => values.some((x) => x === v);

/**
 * Checks a scalar or enum value (a field, a list item, a map key or value) against the
 * type-specific standard rules. Rules the edge does not evaluate (bytes, CEL, most
 * string formats) are left to the service, which runs full protovalidate anyway.
 */
export function checkScalar(
  rules: FieldRules["type"],
  value: ScalarValue,
  kind: { scalar: ScalarType } | { enum: DescEnum },
  report: Report,
): void {
  if ("enum" in kind) {
    if (rules.case === "enum") checkEnum(rules.value, kind.enum, value as number, report);
    return;
  }
  if (rules.case !== ruleCase[kind.scalar] || rules.case === undefined) return;
  switch (rules.case) {
    case "string":
      checkString(rules.value, value as string, report);
      return;
    case "bool":
      if (hasRule(rules.value, "const") && value !== rules.value.const) report("bool.const", `must equal ${rules.value.const}`);
      return;
    case "bytes":
      return;
    default:
      checkNumber(rules.case, rules.value as NumberRules, value as number | bigint, report);
  }
}

interface NumberRules extends Message {
  const?: number | bigint;
  lessThan: { case: "lt" | "lte"; value: number | bigint } | { case: undefined; value?: undefined };
  greaterThan: { case: "gt" | "gte"; value: number | bigint } | { case: undefined; value?: undefined };
  in: (number | bigint)[];
  notIn: (number | bigint)[];
  finite?: boolean;
}

function checkNumber(type: string, rules: NumberRules, v: number | bigint, report: Report): void {
  if (hasRule(rules, "const") && v !== rules.const) report(`${type}.const`, `must equal ${rules.const}`);
  const nan = typeof v === "number" && Number.isNaN(v);
  const lo = rules.greaterThan;
  const hi = rules.lessThan;
  const below = lo.case !== undefined && (nan || (lo.case === "gt" ? v <= lo.value : v < lo.value));
  const above = hi.case !== undefined && (nan || (hi.case === "lt" ? v >= hi.value : v > hi.value));
  const loText = lo.case === "gt" ? `greater than ${lo.value}` : `greater than or equal to ${lo.value}`;
  const hiText = hi.case === "lt" ? `less than ${hi.value}` : `less than or equal to ${hi.value}`;
  if (lo.case !== undefined && hi.case !== undefined) {
    // lo > hi means "outside the range": below AND above the bounds is the violation.
    const normal = hi.value >= lo.value;
    if (normal ? below || above : nan || (below && above)) {
      report(`${type}.${lo.case}_${hi.case}${normal ? "" : "_exclusive"}`, `must be ${loText} ${normal ? "and" : "or"} ${hiText}`);
    }
  } else if (lo.case !== undefined && below) {
    report(`${type}.${lo.case}`, `must be ${loText}`);
  } else if (hi.case !== undefined && above) {
    report(`${type}.${hi.case}`, `must be ${hiText}`);
  }
  if (rules.in.length > 0 && !listed(rules.in, v)) report(`${type}.in`, `must be in list ${list(rules.in)}`);
  if (listed(rules.notIn, v)) report(`${type}.not_in`, `must not be in list ${list(rules.notIn)}`);
  if (rules.finite === true && typeof v === "number" && !Number.isFinite(v)) report(`${type}.finite`, "must be finite");
}

type StringRules = Extract<FieldRules["type"], { case: "string" }>["value"];

const formats: Record<string, { test: (s: string) => boolean; what: string }> = {
  // protovalidate's isEmail: the WHATWG HTML definition of a valid e-mail address.
  email: {
    test: (s) =>
      /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/.test(s),
    what: "email address",
  },
  uuid: { test: (s) => /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(s), what: "UUID" },
  tuuid: { test: (s) => /^[0-9a-fA-F]{32}$/.test(s), what: "trimmed UUID" },
};

function checkString(rules: StringRules, v: string, report: Report): void {
  if (hasRule(rules, "const") && v !== rules.const) report("string.const", `must equal \`${rules.const}\``);
  if (hasRule(rules, "len") || hasRule(rules, "min_len") || hasRule(rules, "max_len")) {
    // Characters are code points, as CEL's size() counts them.
    const length = BigInt([...v].length);
    if (hasRule(rules, "len") && length !== rules.len) report("string.len", `must be ${rules.len} characters`);
    if (hasRule(rules, "min_len") && length < rules.minLen) report("string.min_len", `must be at least ${rules.minLen} characters`);
    if (hasRule(rules, "max_len") && length > rules.maxLen) report("string.max_len", `must be at most ${rules.maxLen} characters`);
  }
  if (hasRule(rules, "len_bytes") || hasRule(rules, "min_bytes") || hasRule(rules, "max_bytes")) {
    const bytes = BigInt(new TextEncoder().encode(v).byteLength);
    if (hasRule(rules, "len_bytes") && bytes !== rules.lenBytes) report("string.len_bytes", `must be ${rules.lenBytes} bytes`);
    if (hasRule(rules, "min_bytes") && bytes < rules.minBytes) report("string.min_bytes", `must be at least ${rules.minBytes} bytes`);
    if (hasRule(rules, "max_bytes") && bytes > rules.maxBytes) report("string.max_bytes", `must be at most ${rules.maxBytes} bytes`);
  }
  if (hasRule(rules, "pattern")) {
    // Patterns JavaScript may read differently from RE2 are left to the service.
    const pattern = re2Pattern(rules.pattern);
    if (pattern !== undefined && !pattern.test(v)) report("string.pattern", `does not match regex pattern \`${rules.pattern}\``);
  }
  if (hasRule(rules, "prefix") && !v.startsWith(rules.prefix)) report("string.prefix", `does not have prefix \`${rules.prefix}\``);
  if (hasRule(rules, "suffix") && !v.endsWith(rules.suffix)) report("string.suffix", `does not have suffix \`${rules.suffix}\``);
  if (hasRule(rules, "contains") && !v.includes(rules.contains)) report("string.contains", `does not contain substring \`${rules.contains}\``);
  if (hasRule(rules, "not_contains") && v.includes(rules.notContains)) {
    report("string.not_contains", `contains substring \`${rules.notContains}\``);
  }
  if (rules.in.length > 0 && !rules.in.includes(v)) report("string.in", `must be in list ${list(rules.in)}`);
  if (rules.notIn.includes(v)) report("string.not_in", `must not be in list ${list(rules.notIn)}`);
  const { wellKnown } = rules;
  const format = wellKnown.case === undefined ? undefined : formats[wellKnown.case];
  if (format !== undefined && wellKnown.value === true) {
    if (v === "") report(`string.${wellKnown.case}_empty`, `value is empty, which is not a valid ${format.what}`);
    else if (!format.test(v)) report(`string.${wellKnown.case}`, `must be a valid ${format.what}`);
  }
}

type EnumRules = Extract<FieldRules["type"], { case: "enum" }>["value"];

function checkEnum(rules: EnumRules, desc: DescEnum, v: number, report: Report): void {
  if (rules.definedOnly && desc.values.every((value) => value.number !== v)) {
    report("enum.defined_only", "value must be one of the defined enum values");
  }
  if (hasRule(rules, "const") && v !== rules.const) report("enum.const", `must equal ${rules.const}`);
  if (rules.in.length > 0 && !rules.in.includes(v)) report("enum.in", `must be in list ${list(rules.in)}`);
  if (rules.notIn.includes(v)) report("enum.not_in", `must not be in list ${list(rules.notIn)}`);
}
