import type { DescField, DescMessage } from "@bufbuild/protobuf";
import { isWrapperDesc } from "@bufbuild/protobuf/wkt";
import { FIELDS_PARAM, jsonPath, resourceShape, type HttpBinding, type PathField } from "../transcoding/index.ts";
import type { JsonSchema } from "./json-schema.ts";
import type { SchemaBuilder } from "./message-schemas.ts";

// Message types one query value can carry (their proto3 JSON is a single string or scalar).
const queryMessages = new Set(["google.protobuf.Timestamp", "google.protobuf.Duration", "google.protobuf.FieldMask"]);
const maxDepth = 4;

/** One `{name}` of an OpenAPI path and what the gateway makes of it. */
type PathParam =
  /** The whole value of a field bound to one segment: `{id}`. */
  | { kind: "field"; name: string; field: PathField }
  /**
   * One wildcard of a field bound to several segments: `{name=shelves/*}` becomes
   * `shelves/{shelvesId}`, so a client fills in ids and never has to send a slash.
   */
  | { kind: "part"; name: string; field: PathField; shape: string }
  /** `**`, the rest of the path, slashes and all. */
  | { kind: "rest"; name: string; field: PathField }
  /** A wildcard outside any variable: matched, then ignored. */
  | { kind: "anonymous"; name: string };

interface OpenApiPathShape {
  path: string;
  params: PathParam[];
}

/**
 * The binding's URL as an OpenAPI path. Variables are named by their JSON field path
 * (`{userId}`, `{book.name}`). A variable over several segments has its literal segments
 * written out and one parameter per wildcard, named after the literal before it
 * (`/v1/{name=shelves/*}` → `/v1/shelves/{shelvesId}`): OpenAPI clients percent-encode a
 * slash in a parameter, and the gateway, as google.api.http requires, would then not
 * match it. `**` stays one parameter (`{name}`), documented as taking the rest of the path.
 */
function pathShape(binding: HttpBinding): OpenApiPathShape {
  const { segments, variables, verb } = binding.template;
  const parts: string[] = [];
  const params: PathParam[] = [];
  const taken = new Set<string>();
  const unique = (base: string) => {
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}${n}`;
    taken.add(name);
    return name;
  };
  for (const pathField of binding.pathFields) {
    if (!pathField.multiSegment) taken.add(jsonPath(pathField.fields));
  }

  for (let i = 0; i < segments.length; i++) {
    const index = variables.findIndex((v) => v.start === i);
    const segment = segments[i]!;
    if (index < 0) {
      if (segment.kind === "literal") parts.push(segment.value);
      else {
        const name = unique(`segment${i}`);
        parts.push(`{${name}}`);
        params.push({ kind: "anonymous", name });
      }
      continue;
    }
    const variable = variables[index]!;
    const field = binding.pathFields[index]!;
    const fieldName = jsonPath(field.fields);
    if (!field.multiSegment) {
      parts.push(`{${fieldName}}`);
      params.push({ kind: "field", name: fieldName, field });
    } else {
      const own: string[] = [];
      const mine: PathParam[] = [];
      for (let k = variable.start; k < variable.end; k++) {
        const inner = segments[k]!;
        if (inner.kind === "literal") own.push(inner.value);
        else if (inner.kind === "deep-wildcard") {
          const name = unique(own.length === 0 ? fieldName : `${fieldName}Rest`);
          own.push(`{${name}}`);
          mine.push({ kind: "rest", name, field });
        } else {
          const before = segments[k - 1];
          const base = k > variable.start && before?.kind === "literal" ? `${camel(before.value)}Id` : `${fieldName}Segment`;
          const name = unique(base);
          own.push(`{${name}}`);
          mine.push({ kind: "part", name, field, shape: "" });
        }
      }
      const shape = own.join("/");
      for (const p of mine) params.push(p.kind === "part" ? { ...p, shape } : p);
      parts.push(...own);
    }
    i = variable.end - 1;
  }
  return { path: `/${parts.join("/")}${verb === undefined ? "" : `:${verb}`}`, params };
}

/** The OpenAPI path of a binding, e.g. "/api/users/{id}" or "/v1/shelves/{shelvesId}/books". */
export function openApiPath(binding: HttpBinding): string {
  return pathShape(binding).path;
}

/** Path parameters, then every field the query string may set (flattened with dots). */
export function operationParameters(binding: HttpBinding, schemas: SchemaBuilder): JsonSchema[] {
  const parameters: JsonSchema[] = [];
  for (const param of pathShape(binding).params) {
    const base = { name: param.name, in: "path", required: true };
    switch (param.kind) {
      case "field":
        parameters.push({ ...base, schema: schemas.field(param.field.fields.at(-1)!) });
        break;
      case "part":
        parameters.push({
          ...base,
          schema: { type: "string", pattern: "^[^/]+$" },
          description: `One segment of \`${jsonPath(param.field.fields)}\`, which the gateway sets to \`${param.shape}\`.`,
        });
        break;
      case "rest":
        parameters.push({
          ...base,
          schema: { type: "string" },
          description:
            `The rest of the path, into \`${jsonPath(param.field.fields)}\`; its slashes are path separators, ` +
            "so send them as `/`, not percent-encoded.",
        });
        break;
      case "anonymous":
        parameters.push({ ...base, schema: { type: "string" }, description: "Any one path segment; ignored." });
        break;
    }
  }
  if (binding.body.kind !== "all") {
    const bound = new Set(binding.pathFields.map((p) => jsonPath(p.fields)));
    // Filled by the edge: the update mask from the body's keys, the read mask from ?fields=.
    if (binding.updateMask !== undefined) bound.add(binding.updateMask.jsonName);
    if (binding.httpMethod === "GET") bound.add("readMask");
    const skip = binding.body.kind === "field" ? binding.body.field : undefined;
    collectQuery(binding.method.input, "", bound, skip, schemas, parameters, []);
  }
  // Not for a server stream: the stream handler takes no partial-response parameter (a 400).
  const stream = (binding.method as { methodKind: string }).methodKind === "server_streaming";
  if (binding.httpMethod === "GET" && !stream && resourceShape(binding) !== undefined) {
    parameters.push({
      name: FIELDS_PARAM,
      in: "query",
      schema: { type: "string" },
      description:
        "Partial response: the comma-separated fields of the resource to return, nested with dots (e.g. `id,firstName,orders.item.name`); " +
        "for a list, of each element. Unknown fields are a 400; empty or absent: every field.",
    });
  }
  return parameters;
}

function collectQuery(
  desc: DescMessage,
  prefix: string,
  bound: Set<string>,
  bodyField: DescField | undefined,
  schemas: SchemaBuilder,
  out: JsonSchema[],
  stack: DescMessage[],
): void {
  for (const field of desc.fields) {
    const name = prefix + field.jsonName;
    if (field === bodyField || bound.has(name) || field.fieldKind === "map") continue;
    const message = field.message;
    const leaf = message === undefined || isWrapperDesc(message) || queryMessages.has(message.typeName);
    if (leaf) {
      const schema = schemas.field(field);
      delete schema.readOnly;
      out.push({ name, in: "query", schema, ...(field.fieldKind === "list" ? { style: "form", explode: true } : {}) });
    } else if (field.fieldKind === "message" && !stack.includes(message) && stack.length < maxDepth) {
      collectQuery(message, `${name}.`, bound, undefined, schemas, out, [...stack, desc]);
    }
  }
}

function camel(literal: string): string {
  return literal.replace(/[-_.~]+([A-Za-z0-9])/g, (_, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, "");
}
