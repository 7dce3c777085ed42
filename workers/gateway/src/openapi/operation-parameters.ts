import type { DescField, DescMessage } from "@bufbuild/protobuf";
import { isWrapperDesc } from "@bufbuild/protobuf/wkt";
import { jsonPath, type HttpBinding } from "../transcoding/index.ts";
import type { JsonSchema } from "./json-schema.ts";
import type { SchemaBuilder } from "./message-schemas.ts";

// Message types one query value can carry (their proto3 JSON is a single string or scalar).
const queryMessages = new Set(["google.protobuf.Timestamp", "google.protobuf.Duration", "google.protobuf.FieldMask"]);
const maxDepth = 4;

/**
 * The binding's URL as an OpenAPI path: variables by their JSON names, `{userId}`. A
 * variable over several segments (`{name=shelves/*}`) becomes one parameter whose
 * pattern is in its description; anonymous wildcards become `{segmentN}`.
 */
export function openApiPath(binding: HttpBinding): string {
  const { segments, variables, verb } = binding.template;
  const parts: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    const variable = variables.find((v) => v.start === i);
    const segment = segments[i]!;
    if (variable !== undefined) {
      parts.push(`{${jsonName(binding, variable.fieldPath.join("."))}}`);
      i = variable.end - 1;
    } else {
      parts.push(segment.kind === "literal" ? segment.value : `{segment${i}}`);
    }
  }
  return `/${parts.join("/")}${verb === undefined ? "" : `:${verb}`}`;
}

/** Path parameters, then every field the query string may set (flattened with dots). */
export function operationParameters(binding: HttpBinding, schemas: SchemaBuilder): JsonSchema[] {
  const parameters: JsonSchema[] = [];
  const { segments, variables } = binding.template;
  segments.forEach((segment, i) => {
    if (segment.kind !== "literal" && !variables.some((v) => i >= v.start && i < v.end)) {
      parameters.push({ name: `segment${i}`, in: "path", required: true, schema: { type: "string" } });
    }
  });
  for (const pathField of binding.pathFields) {
    const pattern = binding.template.source.match(new RegExp(`\\{${pathField.name.replaceAll(".", "\\.")}=([^}]*)\\}`))?.[1];
    parameters.push({
      name: jsonPath(pathField.fields),
      in: "path",
      required: true,
      schema: schemas.field(pathField.fields.at(-1)!),
      ...(pattern === undefined ? {} : { description: `Matches \`${pattern}\`.` }),
    });
  }
  if (binding.body.kind !== "all") {
    const bound = new Set(binding.pathFields.map((p) => jsonPath(p.fields)));
    const skip = binding.body.kind === "field" ? binding.body.field : undefined;
    collectQuery(binding.method.input, "", bound, skip, schemas, parameters, []);
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

function jsonName(binding: HttpBinding, written: string): string {
  const field = binding.pathFields.find((p) => p.name === written);
  return field === undefined ? written : jsonPath(field.fields);
}
