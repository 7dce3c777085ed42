import { getOption, hasOption, ScalarType, type DescEnum, type DescField, type DescMessage } from "@bufbuild/protobuf";
import { isWrapperDesc } from "@bufbuild/protobuf/wkt";
import { Ignore } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import { field_behavior, FieldBehavior } from "@grpc-edge/proto/google/api/field_behavior";
import { fieldRules, hasRule } from "../validation/index.ts";
import type { JsonSchema } from "./json-schema.ts";
import { collectionConstraints, valueConstraints } from "./rules-to-json-schema.ts";

const sixtyFourBit = new Set([ScalarType.INT64, ScalarType.UINT64, ScalarType.SINT64, ScalarType.FIXED64, ScalarType.SFIXED64]);
const implicitPresence = 2; // FeatureSet_FieldPresence.IMPLICIT

/** The proto3 JSON shape of each scalar type. */
export function scalarSchema(scalar: ScalarType): JsonSchema {
  switch (scalar) {
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return { type: "integer", format: "int32" };
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return { type: "integer", format: "uint32", minimum: 0 };
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return { type: "string", format: "int64", pattern: "^-?[0-9]+$" };
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return { type: "string", format: "uint64", pattern: "^[0-9]+$" };
    case ScalarType.FLOAT:
      return { type: "number", format: "float" };
    case ScalarType.DOUBLE:
      return { type: "number", format: "double" };
    case ScalarType.BOOL:
      return { type: "boolean" };
    case ScalarType.STRING:
      return { type: "string" };
    case ScalarType.BYTES:
      return { type: "string", format: "byte", contentEncoding: "base64" };
  }
}

/** Well-known types have their own JSON forms; they are inlined, never components. */
function wellKnownSchema(desc: DescMessage): JsonSchema | undefined {
  if (isWrapperDesc(desc)) return scalarSchema(desc.fields[0]!.scalar!);
  switch (desc.typeName) {
    case "google.protobuf.Timestamp":
      return { type: "string", format: "date-time" };
    case "google.protobuf.Duration":
      return { type: "string", pattern: "^-?[0-9]+(\\.[0-9]{1,9})?s$", examples: ["1.5s"] };
    case "google.protobuf.FieldMask":
      return { type: "string", description: "Comma-separated field paths, e.g. `firstName,email`." };
    case "google.protobuf.Empty":
      return { type: "object", additionalProperties: false };
    case "google.protobuf.Struct":
      return { type: "object" };
    case "google.protobuf.Value":
      return {};
    case "google.protobuf.ListValue":
      return { type: "array" };
    case "google.protobuf.Any":
      return { type: "object", properties: { "@type": { type: "string" } }, required: ["@type"] };
    default:
      return undefined;
  }
}

/**
 * Builds JSON Schemas in proto3 JSON naming (camelCase, 64-bit integers as strings,
 * Timestamps as date-time, enums by name) and collects messages and enums as
 * components named by their full proto name ("user.v1.User").
 */
export class SchemaBuilder {
  readonly components: Record<string, JsonSchema> = {};

  /** A message as a $ref to its component (built on first use), or its well-known form. */
  message(desc: DescMessage): JsonSchema {
    const wkt = wellKnownSchema(desc);
    if (wkt !== undefined) return wkt;
    if (this.components[desc.typeName] === undefined) {
      this.components[desc.typeName] = {}; // placeholder: recursive messages refer to themselves
      this.components[desc.typeName] = this.object(desc.fields);
    }
    return ref(desc.typeName);
  }

  /** An object schema of some fields of a message: request bodies leave out path-bound ones. */
  object(fields: readonly DescField[]): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const field of fields) {
      const schema = (properties[field.jsonName] = this.field(field));
      const behaviors = hasOption(field, field_behavior) ? getOption(field, field_behavior) : [];
      if (behaviors.includes(FieldBehavior.REQUIRED) || fieldRules(field)?.required === true || absentIsInvalid(field, schema)) {
        required.push(field.jsonName);
      }
    }
    return { type: "object", properties, ...(required.length > 0 ? { required } : {}) };
  }

  enumeration(desc: DescEnum): JsonSchema {
    this.components[desc.typeName] ??= { type: "string", enum: desc.values.map((v) => v.name) };
    return ref(desc.typeName);
  }

  /** One field's schema: type, buf.validate constraints, and OUTPUT_ONLY/INPUT_ONLY. */
  field(field: DescField): JsonSchema {
    const rules = activeRules(field);
    const type = rules?.type;
    let schema: JsonSchema;
    switch (field.fieldKind) {
      case "scalar":
      case "enum":
        schema = this.value(field, type);
        if (rules?.ignore === Ignore.IF_ZERO_VALUE && field.presence === implicitPresence && Object.keys(schema).length > 1) {
          // The zero value skips the rules: allow it explicitly.
          schema = { anyOf: [{ const: zeroJson(field) }, schema] };
        }
        break;
      case "message":
        schema = this.value(field, type);
        break;
      case "list": {
        const items = type?.case === "repeated" ? type.value.items?.type : undefined;
        schema = { type: "array", items: this.value(field, items), ...(type ? collectionConstraints(type) : {}) };
        break;
      }
      case "map": {
        const values = type?.case === "map" ? type.value.values?.type : undefined;
        schema = { type: "object", additionalProperties: this.value(field, values), ...(type ? collectionConstraints(type) : {}) };
        break;
      }
    }
    const behaviors = hasOption(field, field_behavior) ? getOption(field, field_behavior) : [];
    if (behaviors.includes(FieldBehavior.OUTPUT_ONLY)) schema.readOnly = true;
    if (behaviors.includes(FieldBehavior.INPUT_ONLY)) schema.writeOnly = true;
    return schema;
  }

  /** The schema of one value of a field (the field itself, a list item, a map value). */
  private value(field: DescField, type: Parameters<typeof valueConstraints>[0] | undefined): JsonSchema {
    const message = field.message;
    if (message !== undefined) {
      const schema = this.message(message);
      const inner = isWrapperDesc(message) ? message.fields[0]!.scalar! : undefined;
      return inner !== undefined && type && !sixtyFourBit.has(inner) ? { ...schema, ...valueConstraints(type) } : schema;
    }
    const enumDesc = field.enum;
    if (enumDesc !== undefined) {
      const name = (n: number) => enumDesc.values.find((v) => v.number === n)?.name ?? String(n);
      return { ...this.enumeration(enumDesc), ...(type ? valueConstraints(type, name) : {}) };
    }
    const scalar = field.scalar!;
    return { ...scalarSchema(scalar), ...(type && !sixtyFourBit.has(scalar) ? valueConstraints(type) : {}) };
  }
}

/** The field's rules, unless they are switched off (`ignore: IGNORE_ALWAYS`). */
function activeRules(field: DescField) {
  const rules = fieldRules(field);
  return rules?.ignore === Ignore.ALWAYS ? undefined : rules;
}

// Formats protovalidate rejects the empty string for (uri_ref accepts it).
const formatsRejectingEmpty = new Set(["email", "uuid", "hostname", "uri", "ipv4", "ipv6"]);

/**
 * Whether leaving the field out of a request is invalid. In proto3 an absent field with
 * implicit presence is its zero value (0, "", first enum value, empty list), and the
 * rules still apply to it: `string.min_len = 1` or `int32.gt = 0` make it required in
 * JSON terms. Fields with explicit presence (`optional`, messages) skip their rules
 * when absent, and so does `ignore: IGNORE_IF_ZERO_VALUE`.
 */
function absentIsInvalid(field: DescField, schema: JsonSchema): boolean {
  const rules = activeRules(field);
  if (rules === undefined || rules.ignore === Ignore.IF_ZERO_VALUE) return false;
  switch (field.fieldKind) {
    case "list":
      return Number(schema.minItems ?? 0) > 0;
    case "map":
      return Number(schema.minProperties ?? 0) > 0;
    case "message":
      return false;
    default:
      if (field.presence !== implicitPresence) return false;
      // Numbers from the rules themselves: 64-bit ranges and "outside" ranges are not in the schema.
      return rules.type.case !== undefined && numericKinds.has(rules.type.case)
        ? numericRejectsZero(rules.type.value as NumericRules)
        : rejects(schema, zeroJson(field));
  }
}

const numericKinds = new Set(["int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32", "fixed64", "sfixed32", "sfixed64", "float", "double"]);

interface NumericRules {
  greaterThan: { case: "gt" | "gte" | undefined; value?: number | bigint };
  lessThan: { case: "lt" | "lte" | undefined; value?: number | bigint };
  const?: number | bigint;
  in: (number | bigint)[];
  notIn: (number | bigint)[];
}

/** Whether numeric rules reject 0, as protovalidate reads them (lo > hi: outside the range). */
function numericRejectsZero(r: NumericRules): boolean {
  const lo = r.greaterThan.case === undefined ? undefined : Number(r.greaterThan.value);
  const hi = r.lessThan.case === undefined ? undefined : Number(r.lessThan.value);
  const aboveLo = lo === undefined || (r.greaterThan.case === "gt" ? 0 > lo : 0 >= lo);
  const belowHi = hi === undefined || (r.lessThan.case === "lt" ? 0 < hi : 0 <= hi);
  const inRange = lo !== undefined && hi !== undefined && lo > hi ? aboveLo || belowHi : aboveLo && belowHi;
  if (!inRange) return true;
  if (hasRule(r as never, "const") && Number(r.const) !== 0) return true;
  if (r.in.length > 0 && !r.in.some((v) => Number(v) === 0)) return true;
  return r.notIn.some((v) => Number(v) === 0);
}

/** Whether the JSON Schema constraints of one value reject `value` (a zero value). */
function rejects(schema: JsonSchema, value: unknown): boolean {
  if ("const" in schema && schema.const !== value) return true;
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) return true;
  const not = schema.not as JsonSchema | undefined;
  if (Array.isArray(not?.enum) && not.enum.includes(value)) return true;
  if (typeof value === "string") {
    if (Number(schema.minLength ?? 0) > 0) return true;
    if (typeof schema.format === "string" && formatsRejectingEmpty.has(schema.format)) return true;
    if (typeof schema.pattern === "string" && !matchesEmpty(schema.pattern)) return true;
  }
  if (typeof value === "number") {
    const n = (k: string) => (typeof schema[k] === "number" ? (schema[k] as number) : undefined);
    if ((n("minimum") ?? -Infinity) > value || (n("exclusiveMinimum") ?? -Infinity) >= value) return true;
    if ((n("maximum") ?? Infinity) < value || (n("exclusiveMaximum") ?? Infinity) <= value) return true;
  }
  return false;
}

function matchesEmpty(pattern: string): boolean {
  try {
    return new RegExp(pattern, "u").test("");
  } catch {
    return true; // RE2 syntax JavaScript does not know: claim nothing
  }
}

function ref(typeName: string): JsonSchema {
  return { $ref: `#/components/schemas/${typeName}` };
}

function zeroJson(field: DescField): unknown {
  if (field.fieldKind === "enum") return field.enum.values[0]?.name;
  switch (field.scalar) {
    case ScalarType.BOOL:
      return false;
    case ScalarType.STRING:
    case ScalarType.BYTES:
      return "";
    default:
      return sixtyFourBit.has(field.scalar!) ? "0" : 0;
  }
}
