import { mergeFromJson, type DescField, type JsonObject, type JsonValue, type Message } from "@bufbuild/protobuf";
import { reflect } from "@bufbuild/protobuf/reflect";
import { invalidInput, type FieldViolation } from "../errors/gateway-error.ts";
import { jsonPath } from "./field-path.ts";
import { isObject, jsonViolations } from "./json-body-violations.ts";
import type { HttpBinding } from "./http-bindings.ts";
import type { PathVariables } from "./match-path-template.ts";
import { parseEnum, parseScalar, ScalarSyntaxError } from "./parse-scalar.ts";
import { applyQueryParams, type QueryBinding } from "./query-params.ts";
import { holderOf } from "./set-field.ts";
import { completeUpdateMask } from "./update-mask.ts";

export interface HttpRequestParts {
  vars: PathVariables;
  query: URLSearchParams;
  /** Parsed JSON body; undefined when the request has none. */
  body: JsonValue | undefined;
}

/**
 * The RPC request message of an HTTP request: the body first (`body: "*"` is the whole
 * message, `body: "field"` one field of it), then the path variables (they win over the
 * body), then the query string for whatever neither binds. Body JSON is proto3 JSON
 * (camelCase or proto names, unknown keys rejected); every bad part is INVALID_ARGUMENT.
 */
export function requestMessage(binding: HttpBinding, parts: HttpRequestParts): Message {
  const root = reflect(binding.method.input);
  const violations: FieldViolation[] = [];
  if (parts.body !== undefined && binding.body.kind !== "none") violations.push(...applyBody(binding, root.message, parts.body));

  for (const { name, fields } of binding.pathFields) {
    const leaf = fields.at(-1)!;
    const text = parts.vars.get(name)!;
    try {
      holderOf(root, fields).set(leaf, leaf.fieldKind === "enum" ? parseEnum(leaf.enum, text) : parseScalar(leaf.scalar!, text));
    } catch (err) {
      if (!(err instanceof ScalarSyntaxError)) throw err;
      violations.push({ field: jsonPath(fields), message: err.message });
    }
  }

  violations.push(...applyQueryParams(root, parts.query, queryBinding(binding)));
  if (violations.length === 0 && binding.updateMask !== undefined) {
    violations.push(...completeUpdateMask({ ...binding, input: binding.method.input, updateMask: binding.updateMask }, root, parts.body));
  }
  if (violations.length > 0) throw invalidInput(violations);
  return root.message;
}

function queryBinding(binding: HttpBinding): QueryBinding {
  const { body } = binding;
  return (fields) => {
    // ?updateMask= may name the fields to change whatever the body binding (AIP-134).
    if (fields.length === 1 && fields[0] === binding.updateMask) return undefined;
    if (body.kind === "all" || (body.kind === "field" && fields[0] === body.field)) return "belongs in the request body";
    if (binding.pathFields.some((p) => sameFields(p.fields, fields))) return "is taken from the path";
    return undefined;
  };
}

/**
 * Merges the body into the message, or says what is wrong with it, all at once: with
 * `body: "*"` it must be a JSON object of the request; with `body: "field"` it is that
 * field's JSON (null leaves the field unset). Paths name request fields either way.
 */
function applyBody(binding: HttpBinding, message: Message, body: JsonValue): FieldViolation[] {
  const input = binding.method.input;
  if (binding.body.kind === "all" && !isObject(body)) {
    return [{ field: "", message: `the request body must be a JSON object (${input.typeName}), not ${Array.isArray(body) ? "an array" : JSON.stringify(body)}` }];
  }
  const json: JsonObject = binding.body.kind === "field" ? { [binding.body.field.jsonName]: body } : (body as JsonObject);
  const violations = [...jsonViolations(input, json), ...(binding.body.kind === "all" ? pathFieldsInBody(binding, json) : [])];
  if (violations.length > 0) return violations;
  try {
    mergeFromJson(input, message, json);
  } catch (err) {
    // jsonViolations checks each key alone; this is a backstop for what only shows together.
    return [{ field: "", message: err instanceof Error ? err.message : String(err) }];
  }
  return [];
}

/** With `body: "*"`, a field the path binds must not also come in the body. */
function pathFieldsInBody(binding: HttpBinding, body: JsonValue): FieldViolation[] {
  const violations: FieldViolation[] = [];
  for (const { fields } of binding.pathFields) {
    let node: JsonValue | undefined = body;
    for (const field of fields) node = isObject(node) ? (node[field.jsonName] ?? node[field.name]) : undefined;
    if (node !== undefined) violations.push({ field: jsonPath(fields), message: "is taken from the path; leave it out of the body" });
  }
  return violations;
}

function sameFields(a: readonly DescField[], b: readonly DescField[]): boolean {
  return a.length === b.length && a.every((f, i) => f === b[i]);
}

