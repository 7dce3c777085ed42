import { mergeFromJson, type DescField, type DescMessage, type JsonObject, type JsonValue, type Message } from "@bufbuild/protobuf";
import { reflect } from "@bufbuild/protobuf/reflect";
import { Code, ConnectError } from "@connectrpc/connect";
import { ViolationsError, type FieldViolation } from "../errors/violations-error.ts";
import { jsonPath } from "./field-path.ts";
import type { HttpBinding } from "./http-bindings.ts";
import type { PathVariables } from "./match-path-template.ts";
import { parseEnum, parseScalar, ScalarSyntaxError } from "./parse-scalar.ts";
import { applyQueryParams, type QueryBinding } from "./query-params.ts";
import { holderOf } from "./set-field.ts";

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
  if (parts.body !== undefined && binding.body.kind !== "none") {
    if (binding.body.kind === "all") violations.push(...pathFieldsInBody(binding, parts.body));
    const json = binding.body.kind === "all" ? parts.body : { [binding.body.field.jsonName]: parts.body };
    try {
      mergeFromJson(binding.method.input, root.message, json);
    } catch (err) {
      throw new ConnectError(`the request body is not a valid ${binding.method.input.typeName}: ${describe(err, binding.method.input)}`, Code.InvalidArgument);
    }
  }

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
  if (violations.length > 0) throw new ViolationsError(violations);
  return root.message;
}

function queryBinding(binding: HttpBinding): QueryBinding {
  const { body } = binding;
  return (fields) => {
    if (body.kind === "all" || (body.kind === "field" && fields[0] === body.field)) return "belongs in the request body";
    if (binding.pathFields.some((p) => sameFields(p.fields, fields))) return "is taken from the path";
    return undefined;
  };
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

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * protobuf-es says `cannot decode field user.v1.CreateUserRequest.first_name from JSON:
 * expected string, got 5`; callers get `firstName: expected string, got 5`.
 */
function describe(err: unknown, input: DescMessage): string {
  const message = err instanceof Error ? err.message : String(err);
  const field = /^cannot decode field ([\w.]+)\.(\w+) from JSON: (.*)$/s.exec(message);
  if (field !== null) {
    const owner = reachableMessages(input).find((m) => m.typeName === field[1]);
    const jsonName = owner?.fields.find((f) => f.name === field[2])?.jsonName ?? field[2];
    return `${jsonName}: ${field[3]}`;
  }
  return message.replace(/^cannot decode message [\w.]+ from JSON: /, "");
}

function reachableMessages(root: DescMessage): DescMessage[] {
  const seen = new Set<DescMessage>([root]);
  for (const desc of seen) for (const f of desc.fields) if (f.message !== undefined) seen.add(f.message);
  return [...seen];
}
