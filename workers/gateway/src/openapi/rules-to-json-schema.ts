import type { FieldRules } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import { hasRule } from "../validation/index.ts";
import type { JsonSchema } from "./json-schema.ts";

const num = (v: number | bigint) => Number(v);
const stringFormats: Record<string, string> = {
  email: "email",
  uuid: "uuid",
  hostname: "hostname",
  uri: "uri",
  uriRef: "uri-reference",
  ipv4: "ipv4",
  ipv6: "ipv6",
};

/**
 * buf.validate rules of a scalar value as JSON Schema constraints, for the ones JSON
 * Schema can say (ranges, lengths, formats, lists of allowed values). `enumName`
 * turns enum numbers into the names proto3 JSON uses. 64-bit integers are JSON
 * strings, which numeric keywords would not constrain, so their ranges are left out.
 */
export function valueConstraints(rules: FieldRules["type"], enumName: (n: number) => string = String): JsonSchema {
  const out: JsonSchema = {};
  switch (rules.case) {
    case "int32":
    case "uint32":
    case "sint32":
    case "fixed32":
    case "sfixed32":
    case "float":
    case "double": {
      const r = rules.value;
      const lo = r.greaterThan;
      const hi = r.lessThan;
      // lo > hi means "outside [hi, lo]", which needs more than min/max: left out.
      if (!(lo.case !== undefined && hi.case !== undefined && lo.value > hi.value)) {
        if (lo.case === "gt") out.exclusiveMinimum = lo.value;
        if (lo.case === "gte") out.minimum = lo.value;
        if (hi.case === "lt") out.exclusiveMaximum = hi.value;
        if (hi.case === "lte") out.maximum = hi.value;
      }
      if (hasRule(r, "const")) out.const = r.const;
      if (r.in.length > 0) out.enum = [...r.in];
      if (r.notIn.length > 0) out.not = { enum: [...r.notIn] };
      return out;
    }
    case "string": {
      const r = rules.value;
      if (hasRule(r, "len")) out.minLength = out.maxLength = num(r.len);
      if (hasRule(r, "min_len")) out.minLength = num(r.minLen);
      if (hasRule(r, "max_len")) out.maxLength = num(r.maxLen);
      if (hasRule(r, "pattern")) out.pattern = r.pattern;
      if (hasRule(r, "const")) out.const = r.const;
      if (r.in.length > 0) out.enum = [...r.in];
      if (r.notIn.length > 0) out.not = { enum: [...r.notIn] };
      if (r.wellKnown.case !== undefined && r.wellKnown.value === true) {
        const format = stringFormats[r.wellKnown.case];
        if (format !== undefined) out.format = format;
      }
      return out;
    }
    case "bool":
      if (hasRule(rules.value, "const")) out.const = rules.value.const;
      return out;
    case "enum": {
      const r = rules.value;
      if (hasRule(r, "const")) out.const = enumName(r.const);
      if (r.in.length > 0) out.enum = r.in.map(enumName);
      if (r.notIn.length > 0) out.not = { enum: r.notIn.map(enumName) };
      return out;
    }
    default:
      return out;
  }
}

/** List and map rules: sizes and uniqueness (their items get valueConstraints). */
export function collectionConstraints(rules: FieldRules["type"]): JsonSchema {
  const out: JsonSchema = {};
  if (rules.case === "repeated") {
    if (hasRule(rules.value, "min_items")) out.minItems = num(rules.value.minItems);
    if (hasRule(rules.value, "max_items")) out.maxItems = num(rules.value.maxItems);
    if (rules.value.unique) out.uniqueItems = true;
  } else if (rules.case === "map") {
    if (hasRule(rules.value, "min_pairs")) out.minProperties = num(rules.value.minPairs);
    if (hasRule(rules.value, "max_pairs")) out.maxProperties = num(rules.value.maxPairs);
  }
  return out;
}
