import { codeToString } from "@connectrpc/connect/protocol-connect";
import { problemByCode } from "../errors/problem-by-code.ts";
import { jsonPath, type HttpBinding } from "../transcoding/index.ts";
import type { JsonSchema } from "./json-schema.ts";
import { SchemaBuilder } from "./message-schemas.ts";
import { openApiPath, operationParameters } from "./operation-parameters.ts";

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

const defaultInfo: OpenApiInfo = {
  title: "grpc-edge REST API",
  version: "1.0.0",
  description:
    "Transcoded at the edge from the services' google.api.http annotations. Bodies are proto3 JSON " +
    "(camelCase; 64-bit integers as strings; timestamps RFC 3339); unknown JSON fields and unknown " +
    "query parameters are rejected with 400. Errors are RFC 9457 problem details.",
};

const openApiMethods = new Set(["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"]);
const problemRef = (name: string) => ({ $ref: `#/components/responses/${name}` });

/** OpenAPI 3.1 for the bindings: the same descriptors the gateway routes with. */
export function createOpenApiDocument(bindings: readonly HttpBinding[], info: OpenApiInfo = defaultInfo): JsonSchema {
  const schemas = new SchemaBuilder();
  const paths: Record<string, Record<string, JsonSchema>> = {};
  const tags = new Map<string, string>();
  for (const binding of bindings) {
    // A custom verb OpenAPI has no key for stays routable, just undocumented.
    if (!openApiMethods.has(binding.httpMethod)) continue;
    tags.set(binding.service.typeName, binding.service.name);
    (paths[openApiPath(binding)] ??= {})[binding.httpMethod.toLowerCase()] = operation(binding, schemas);
  }
  return {
    openapi: "3.1.0",
    info,
    // Relative: "Try it out" in /docs calls the gateway that served the page.
    servers: [{ url: "/" }],
    tags: [...tags.keys()].map((name) => ({ name })),
    paths,
    components: {
      schemas: { ...schemas.components, ...problemSchemas() },
      responses: {
        BadRequest: problemResponse("The request is invalid: a path or query parameter, the body, or a validation rule."),
        Problem: problemResponse("An error, as RFC 9457 problem details."),
        PayloadTooLarge: problemResponse("The request body is larger than the gateway accepts."),
        UnsupportedMediaType: problemResponse("The request body is not application/json."),
      },
    },
  };
}

function operation(binding: HttpBinding, schemas: SchemaBuilder): JsonSchema {
  const { method, service, body, responseBody } = binding;
  const op: JsonSchema = {
    operationId: `${service.name}_${method.name}${binding.index > 0 ? `_${binding.index}` : ""}`,
    tags: [service.typeName],
    summary: `${method.name} (${service.typeName})`,
    parameters: operationParameters(binding, schemas),
  };
  if (body.kind !== "none") {
    const pathBound = new Set(binding.pathFields.filter((p) => p.fields.length === 1).map((p) => p.fields[0]));
    const schema =
      body.kind === "field"
        ? schemas.field(body.field)
        : pathBound.size === 0
          ? schemas.message(method.input)
          : schemas.object(method.input.fields.filter((f) => !pathBound.has(f)));
    op.requestBody = { required: false, content: { "application/json": { schema } } };
  }
  const output = responseBody === undefined ? schemas.message(method.output) : schemas.field(responseBody);
  op.responses = {
    "200": { description: "OK", content: { "application/json": { schema: output } } },
    "400": problemRef("BadRequest"),
    ...(body.kind === "none" ? {} : { "413": problemRef("PayloadTooLarge"), "415": problemRef("UnsupportedMediaType") }),
    default: problemRef("Problem"),
  };
  if (binding.pathFields.some((p) => p.fields.length > 1)) {
    op.description = `Path parameters: ${binding.pathFields.map((p) => jsonPath(p.fields)).join(", ")}.`;
  }
  return op;
}

function problemResponse(description: string): JsonSchema {
  return { description, content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } } };
}

function problemSchemas(): Record<string, JsonSchema> {
  const codes = [...new Set(Object.keys(problemByCode).map((code) => codeToString(Number(code))))].sort();
  return {
    Problem: {
      type: "object",
      description: "RFC 9457 problem details. Internal details never appear in it.",
      required: ["type", "title", "status", "detail", "code", "requestId"],
      properties: {
        type: { type: "string", format: "uri", examples: ["https://grpc-edge.dev/problems/not-found"] },
        title: { type: "string" },
        status: { type: "integer", minimum: 400, maximum: 599 },
        detail: { type: "string" },
        code: { type: "string", enum: codes, description: "The RPC status code (Connect's names)." },
        requestId: { type: "string", description: "Echoes X-Request-Id; quote it when reporting a problem." },
        violations: { type: "array", items: { $ref: "#/components/schemas/Violation" } },
      },
    },
    Violation: {
      type: "object",
      required: ["field", "message"],
      properties: {
        field: { type: "string", description: 'The field in proto3 JSON naming, e.g. "firstName" or "userIds[3]".' },
        message: { type: "string" },
      },
    },
  };
}
