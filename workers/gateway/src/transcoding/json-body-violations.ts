import { create, mergeFromJson, type DescField, type DescMessage, type DescOneof, type JsonObject, type JsonValue } from "@bufbuild/protobuf";
import type { FieldViolation } from "../errors/gateway-error.ts";
import { findField } from "./field-path.ts";

/**
 * Every problem of a proto3 JSON object for `desc`, each at its full REST path
 * ("book.pageCount", "books[2].title"). protobuf-es stops at the first problem and
 * names it by the type it lives in ("library.v1.Book.page_count"), which a REST caller
 * cannot act on; this walks the object and lets protobuf-es judge one leaf at a time.
 * Unknown keys, one field under both its names, and two members of a oneof are
 * violations too. No violations means mergeFromJson will accept the object.
 */
export function jsonViolations(desc: DescMessage, json: JsonObject, prefix = ""): FieldViolation[] {
  const out: FieldViolation[] = [];
  checkObject(desc, json, prefix, out);
  return out;
}

function checkObject(desc: DescMessage, json: JsonObject, prefix: string, out: FieldViolation[]): void {
  const keyOf = new Map<DescField, string>();
  const oneofs = new Map<DescOneof, DescField>();
  for (const [key, value] of Object.entries(json)) {
    const field = findField(desc, key);
    const path = join(prefix, field?.jsonName ?? key);
    if (field === undefined) {
      out.push({ field: path, message: `is not a field of ${desc.typeName}` });
      continue;
    }
    const earlier = keyOf.get(field);
    if (earlier !== undefined) {
      out.push({ field: path, message: `is given twice, as "${earlier}" and "${key}"` });
      continue;
    }
    keyOf.set(field, key);
    // null is the field's default (google.protobuf.Value aside, which is opaque anyway).
    if (value === null && !isOpaque(field.message)) continue;
    if (field.oneof !== undefined) {
      const other = oneofs.get(field.oneof);
      if (other !== undefined) {
        out.push({ field: path, message: `cannot be set together with ${other.jsonName} (oneof ${field.oneof.name})` });
        continue;
      }
      oneofs.set(field.oneof, field);
    }
    checkValue(desc, field, key, value, path, out);
  }
}

function checkValue(desc: DescMessage, field: DescField, key: string, value: JsonValue, path: string, out: FieldViolation[]): void {
  if (field.fieldKind === "message" && !isOpaque(field.message)) {
    checkNested(field.message, value, path, out);
    return;
  }
  if (field.fieldKind === "list" && field.listKind === "message" && !isOpaque(field.message) && Array.isArray(value)) {
    value.forEach((item, i) => checkNested(field.message, item, `${path}[${i}]`, out));
    return;
  }
  // A leaf (scalar, enum, list, map, well-known type): protobuf-es judges it alone.
  try {
    mergeFromJson(desc, create(desc), { [key]: value });
  } catch (err) {
    out.push({ field: path, message: leafMessage(field, err) });
  }
}

function checkNested(desc: DescMessage, value: JsonValue, path: string, out: FieldViolation[]): void {
  if (isObject(value)) checkObject(desc, value, path, out);
  else out.push({ field: path, message: `must be a JSON object (${desc.typeName})` });
}

/** Well-known types have their own JSON forms (a string for Timestamp, anything for Value). */
function isOpaque(desc: DescMessage | undefined): boolean {
  return desc !== undefined && desc.typeName.startsWith("google.protobuf.");
}

function leafMessage(field: DescField, err: unknown): string {
  const enumDesc = field.fieldKind === "enum" ? field.enum : field.fieldKind === "list" ? field.enum : undefined;
  if (enumDesc !== undefined) return `must be one of ${enumDesc.values.map((v) => v.name).join(", ")} (or its number)`;
  const message = err instanceof Error ? err.message : String(err);
  // "cannot decode field library.v1.Book.page_count from JSON: expected bigint (int64): 1.5 out of range"
  return message.replace(/^cannot decode (?:field|message|enum) [\w.]+ from JSON: /, "");
}

function join(prefix: string, name: string): string {
  return prefix === "" ? name : `${prefix}.${name}`;
}

export function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
