import { isFieldSet, type DescField, type DescMessage, type Message, type ScalarType } from "@bufbuild/protobuf";
import { reflect, type Path, type ReflectMessage, type ScalarValue } from "@bufbuild/protobuf/reflect";
import { isWrapperDesc } from "@bufbuild/protobuf/wkt";
import { FieldRulesSchema, Ignore, type FieldRules } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import { fieldRules, messageOneofRules, oneofRequired } from "./field-rules.ts";
import type { RuleViolation } from "./rule-violation.ts";
import { checkScalar, hasRule } from "./scalar-rules.ts";

// FeatureSet_FieldPresence.IMPLICIT: proto3 fields without `optional`. Spelled out so
// the Worker does not bundle descriptor.proto for one number.
const implicitPresence = 2;

/**
 * Checks a message against the buf.validate standard rules of its descriptor, the way
 * protovalidate does (same rule ids, messages and field paths; the conformance test
 * holds the two together) but without CEL. Skipped here, and enforced by the services,
 * which run full protovalidate: `cel` rules (field and message), bytes, timestamp,
 * duration, any and field_mask rules, the rarer string formats (hostname, ip*, uri*,
 * address, ulid, protobuf_fqn, host_and_port, well_known_regex) and patterns
 * JavaScript cannot read as RE2 does. It never reports what protovalidate would not.
 */
export function validateMessage(desc: DescMessage, message: Message): RuleViolation[] {
  const violations: RuleViolation[] = [];
  checkMessage(reflect(desc, message), [], violations);
  return violations;
}

function checkMessage(msg: ReflectMessage, path: Path, out: RuleViolation[]): void {
  const oneofRules = messageOneofRules(msg.desc);
  for (const field of msg.desc.fields) {
    checkField(msg, field, [...path, field], out, oneofRules.some((rule) => rule.fields.includes(field)));
  }
  for (const { fields, required } of oneofRules) {
    const set = fields.filter((f) => msg.isSet(f)).length;
    const names = fields.map((f) => f.name).join(", ");
    if (set > 1) out.push({ path, ruleId: "message.oneof", message: `only one of ${names} can be set` });
    if (required && set === 0) out.push({ path, ruleId: "message.oneof", message: `one of ${names} must be set` });
  }
  for (const oneof of msg.desc.oneofs) {
    if (oneofRequired(oneof) && msg.oneofCase(oneof) === undefined) {
      out.push({ path: [...path, oneof], ruleId: "required", message: "exactly one field is required in oneof" });
    }
  }
}

function checkField(msg: ReflectMessage, field: DescField, path: Path, out: RuleViolation[], inOneofRule: boolean): void {
  const rules = fieldRules(field);
  // A member of a message oneof rule is ignored when unset, unless it says otherwise.
  const explicitIgnore = rules !== undefined && isFieldSet(rules, FieldRulesSchema.field.ignore);
  const ignore = explicitIgnore ? rules.ignore : inOneofRule ? Ignore.IF_ZERO_VALUE : Ignore.UNSPECIFIED;
  if (ignore === Ignore.ALWAYS) return;
  const isSet = msg.isSet(field);
  if (rules?.required === true && !isSet) {
    out.push({ path, ruleId: "required", message: "value is required" });
    return;
  }
  switch (field.fieldKind) {
    case "message":
      if (isSet) checkMessageValue(msg.get(field), rules, path, out);
      return;
    case "list": {
      if (ignore === Ignore.IF_ZERO_VALUE && !isSet) return;
      const list = msg.get(field);
      const values = [...list];
      if (rules?.type.case === "repeated") {
        const { minItems, maxItems, unique, items } = rules.type.value;
        const size = BigInt(values.length);
        const report = (ruleId: string, message: string) => out.push({ path, ruleId, message });
        if (hasRule(rules.type.value, "min_items") && size < minItems) report("repeated.min_items", `must contain at least ${minItems} item(s)`);
        if (hasRule(rules.type.value, "max_items") && size > maxItems) report("repeated.max_items", `must contain no more than ${maxItems} item(s)`);
        if (unique && field.listKind !== "message" && !isUnique(values)) report("repeated.unique", "repeated value must contain unique items");
        values.forEach((value, index) => checkItem(field, items, value, [...path, { kind: "list_sub", index }], out));
      } else if (field.listKind === "message") {
        values.forEach((value, index) => checkMessage(value as ReflectMessage, [...path, { kind: "list_sub", index }], out));
      }
      return;
    }
    case "map": {
      if (ignore === Ignore.IF_ZERO_VALUE && !isSet) return;
      const map = msg.get(field);
      const mapRules = rules?.type.case === "map" ? rules.type.value : undefined;
      if (mapRules !== undefined) {
        const size = BigInt(map.size);
        if (hasRule(mapRules, "min_pairs") && size < mapRules.minPairs) {
          out.push({ path, ruleId: "map.min_pairs", message: `map must be at least ${mapRules.minPairs} entries` });
        }
        if (hasRule(mapRules, "max_pairs") && size > mapRules.maxPairs) {
          out.push({ path, ruleId: "map.max_pairs", message: `map must be at most ${mapRules.maxPairs} entries` });
        }
      }
      for (const [key, value] of map) {
        const entryPath: Path = [...path, { kind: "map_sub", key: key as string | number | bigint | boolean }];
        checkItem({ fieldKind: "scalar", scalar: field.mapKey }, mapRules?.keys, key as ScalarValue, entryPath, out);
        checkItem(field, mapRules?.values, value, entryPath, out);
      }
      return;
    }
    case "enum":
    case "scalar":
      if (!isSet && (field.presence !== implicitPresence || ignore === Ignore.IF_ZERO_VALUE)) return;
      if (rules !== undefined) {
        const kind = field.fieldKind === "enum" ? { enum: field.enum } : { scalar: field.scalar };
        checkScalar(rules.type, msg.get(field) as ScalarValue, kind, (ruleId, message) => out.push({ path, ruleId, message }));
      }
      return;
  }
}

type ItemKind = { fieldKind: "scalar"; scalar: ScalarType } | DescField;

/** A list item or map key/value against `items` / `keys` / `values` rules. */
function checkItem(kind: ItemKind, rules: FieldRules | undefined, value: unknown, path: Path, out: RuleViolation[]): void {
  const ignore = rules?.ignore ?? Ignore.UNSPECIFIED;
  if (ignore === Ignore.ALWAYS) return;
  const elementKind = kind.fieldKind === "scalar" ? "scalar" : kind.fieldKind === "list" ? kind.listKind : kind.fieldKind === "map" ? kind.mapKind : undefined;
  if (elementKind === "message") {
    checkMessageValue(value as ReflectMessage, rules, path, out);
    return;
  }
  if (rules === undefined) return;
  const report = (ruleId: string, message: string) => out.push({ path, ruleId, message });
  if (elementKind === "enum" && "enum" in kind && kind.enum !== undefined) {
    if (ignore === Ignore.IF_ZERO_VALUE && value === kind.enum.values[0]?.number) return;
    checkScalar(rules.type, value as number, { enum: kind.enum }, report);
  } else if (elementKind === "scalar" && kind.scalar !== undefined) {
    if (ignore === Ignore.IF_ZERO_VALUE && isZero(value)) return;
    checkScalar(rules.type, value as ScalarValue, { scalar: kind.scalar }, report);
  }
}

/** A set message: its own fields' rules, then wrapper rules (`int32.gt` on Int32Value). */
function checkMessageValue(value: ReflectMessage, rules: FieldRules | undefined, path: Path, out: RuleViolation[]): void {
  checkMessage(value, path, out);
  if (rules !== undefined && isWrapperDesc(value.desc)) {
    const inner = value.desc.fields[0]!;
    checkScalar(rules.type, value.get(inner) as ScalarValue, { scalar: inner.scalar! }, (ruleId, message) => out.push({ path, ruleId, message }));
  }
}

function isZero(value: unknown): boolean {
  return value === 0 || value === 0n || value === "" || value === false || (value instanceof Uint8Array && value.length === 0);
}

function isUnique(values: unknown[]): boolean {
  // Strict equality, as protovalidate: NaN never equals itself, -0 equals 0; bytes by content.
  const keys = values.map((v) => (v instanceof Uint8Array ? `b:${v.join(",")}` : v));
  for (let i = 0; i < keys.length; i++) for (let j = 0; j < i; j++) if (keys[i] === keys[j]) return false;
  return true;
}
