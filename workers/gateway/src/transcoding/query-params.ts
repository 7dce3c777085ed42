import { create, fromJson, type DescField, type DescMessage } from "@bufbuild/protobuf";
import { reflect, type ReflectMessage, type ScalarValue } from "@bufbuild/protobuf/reflect";
import { isWrapperDesc } from "@bufbuild/protobuf/wkt";
import type { FieldViolation } from "../errors/gateway-error.ts";
import { jsonPath, resolveFieldPath } from "./field-path.ts";
import { parseEnum, parseScalar, ScalarSyntaxError } from "./parse-scalar.ts";
import { holderOf } from "./set-field.ts";

/** Says why a field may not come from the query string (bound to the path or the body), or undefined. */
export type QueryBinding = (fields: readonly DescField[]) => string | undefined;

// Well-known types whose proto3 JSON form is one string, so one query value can carry them.
const stringWkts: Record<string, string> = {
  "google.protobuf.Timestamp": "must be an RFC 3339 timestamp such as 2024-05-01T12:00:00Z",
  "google.protobuf.Duration": 'must be a duration in seconds such as "1.5s"',
  "google.protobuf.FieldMask": "must be comma-separated field paths",
};

/**
 * Sets the request fields the query string names, grpc-gateway style: a parameter is
 * a field path in proto or JSON names ("page_size", "pageSize", "filter.author"); a
 * repeated field takes repeated keys (`tag=a&tag=b`); enums go by name or number.
 * Unknown parameters, fields bound elsewhere and bad values become violations.
 */
export function applyQueryParams(root: ReflectMessage, params: URLSearchParams, bound: QueryBinding): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const keys = new Set(params.keys());
  // "page_size" and "pageSize" name one field: both given is ambiguous, not "last wins".
  const keyOfField = new Map<string, string>();
  for (const key of keys) {
    const fields = resolveFieldPath(root.desc, key.split("."));
    const leaf = fields?.at(-1);
    if (fields === undefined || leaf === undefined) {
      violations.push({ field: key, message: "is not a query parameter of this operation" });
      continue;
    }
    const field = jsonPath(fields);
    const earlier = keyOfField.get(field);
    if (earlier !== undefined) {
      violations.push({ field, message: `is given twice, as query parameters "${earlier}" and "${key}"` });
      continue;
    }
    keyOfField.set(field, key);
    const reason = bound(fields) ?? (fields.slice(0, -1).some((f) => f.fieldKind !== "message") ? "is not addressable from the query string" : undefined);
    if (reason !== undefined) {
      violations.push({ field, message: reason });
      continue;
    }
    try {
      setFromQuery(holderOf(root, fields), leaf, params.getAll(key));
    } catch (err) {
      if (!(err instanceof ScalarSyntaxError)) throw err;
      violations.push({ field, message: `${err.message} (query parameter "${key}")` });
    }
  }
  return violations;
}

function setFromQuery(holder: ReflectMessage, field: DescField, values: string[]): void {
  if (field.oneof !== undefined) {
    const set = holder.oneofCase(field.oneof);
    if (set !== undefined && set !== field) throw new ScalarSyntaxError(`cannot be set together with ${set.jsonName}`);
  }
  switch (field.fieldKind) {
    case "scalar":
      holder.set(field, parseScalar(field.scalar, single(values)));
      return;
    case "enum":
      holder.set(field, parseEnum(field.enum, single(values)));
      return;
    case "message":
      holder.set(field, parseMessage(field.message, single(values)));
      return;
    case "list": {
      const list = holder.get(field);
      for (const value of values) {
        if (field.listKind === "scalar") list.add(parseScalar(field.scalar, value));
        else if (field.listKind === "enum") list.add(parseEnum(field.enum, value));
        else list.add(parseMessage(field.message, value));
      }
      return;
    }
    case "map":
      throw new ScalarSyntaxError("is a map, which the query string cannot carry");
  }
}

/** Messages fit in one query value only when proto3 JSON writes them as one scalar. */
function parseMessage(desc: DescMessage, text: string): ReflectMessage {
  if (isWrapperDesc(desc)) {
    const value: ScalarValue = parseScalar(desc.fields[0]!.scalar!, text);
    return reflect(desc, create(desc, { value } as never));
  }
  const expected = stringWkts[desc.typeName];
  if (expected === undefined) throw new ScalarSyntaxError("is a message: set its fields one by one (a.b=…)");
  try {
    return reflect(desc, fromJson(desc, text));
  } catch {
    throw new ScalarSyntaxError(expected);
  }
}

function single(values: string[]): string {
  if (values.length !== 1) throw new ScalarSyntaxError("must be given once");
  return values[0]!;
}
