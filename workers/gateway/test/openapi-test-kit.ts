// Test helpers for the OpenAPI tests (not shipped: only *.test.ts import this file).
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { JsonSchema } from "../src/openapi/json-schema.ts";

export type Doc = JsonSchema & {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, JsonSchema>; responses: Record<string, JsonSchema>; securitySchemes?: Record<string, JsonSchema> };
};

export interface Operation {
  operationId: string;
  summary: string;
  parameters: Parameter[];
  requestBody?: { required: boolean; content: { "application/json": { schema: JsonSchema } } };
  responses: Record<string, JsonSchema>;
  security?: Record<string, string[]>[];
}

export interface Parameter {
  name: string;
  in: "path" | "query";
  required?: boolean;
  schema: JsonSchema;
  description?: string;
}

export function operation(doc: Doc, method: string, path: string): Operation {
  const op = doc.paths[path]?.[method.toLowerCase()];
  if (op === undefined) throw new Error(`no ${method} ${path} in ${Object.keys(doc.paths).join(", ")}`);
  return op;
}

export function parameter(op: Operation, name: string): Parameter {
  const param = op.parameters.find((p) => p.name === name);
  if (param === undefined) throw new Error(`${op.operationId} has no parameter ${name}: ${op.parameters.map((p) => p.name).join(", ")}`);
  return param;
}

/** Follows one `$ref` into the document (JSON pointer), or returns the schema itself. */
export function deref(doc: Doc, schema: JsonSchema): JsonSchema {
  const ref = schema.$ref;
  if (typeof ref !== "string") return schema;
  const target = pointer(doc, ref);
  if (target === undefined) throw new Error(`${ref} does not resolve`);
  return target as JsonSchema;
}

export function pointer(doc: unknown, ref: string): unknown {
  if (!ref.startsWith("#/")) return undefined;
  let node: unknown = doc;
  for (const raw of ref.slice(2).split("/")) {
    const key = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    if (node === null || typeof node !== "object" || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Every `$ref` anywhere in the document, with where it was found. */
export function allRefs(node: unknown, at = "#"): { at: string; ref: string }[] {
  if (node === null || typeof node !== "object") return [];
  const found: { at: string; ref: string }[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === "$ref" && typeof value === "string") found.push({ at, ref: value });
    else found.push(...allRefs(value, `${at}/${key}`));
  }
  return found;
}

/**
 * JSON Schema 2020-12 validators over the document's component schemas, in ajv's strict
 * mode (unknown keywords and formats are errors, so a typo in the generator shows up).
 */
export function schemaValidator(doc: Doc) {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats.default(ajv);
  // OpenAPI's own format names for unsigned integers; ajv-formats knows int32/int64/byte.
  for (const name of ["uint32", "uint64"]) ajv.addFormat(name, true);
  const $defs = JSON.parse(JSON.stringify(doc.components.schemas).replaceAll("#/components/schemas/", "#/$defs/")) as Record<
    string,
    JsonSchema
  >;
  const cache = new Map<string, ValidateFunction>();
  return {
    /** Compiles (or reuses) a validator for a schema that may $ref the components. */
    compile(schema: JsonSchema): ValidateFunction {
      const text = JSON.stringify(schema).replaceAll("#/components/schemas/", "#/$defs/");
      let fn = cache.get(text);
      if (fn === undefined) {
        fn = ajv.compile({ ...(JSON.parse(text) as JsonSchema), $defs });
        cache.set(text, fn);
      }
      return fn;
    },
    /** Validation errors of `value` against the schema, as readable strings (empty: valid). */
    errors(schema: JsonSchema, value: unknown): string[] {
      const fn = this.compile(schema);
      return fn(value) ? [] : (fn.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? e.keyword}`);
    },
  };
}
