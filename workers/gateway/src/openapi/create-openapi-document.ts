import { codeToString } from "@connectrpc/connect/protocol-connect";
import { problemTypes, problemTypeUri } from "../errors/problem-types.ts";
import type { HttpBinding } from "../transcoding/index.ts";
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
        BadRequest: problemResponse(
          "The request is invalid: a path or query parameter, the body, or a validation rule (`violations` lists each field).",
        ),
        NotFound: problemResponse("The resource named in the path, or one it refers to, does not exist."),
        Conflict: problemResponse(
          "The request conflicts with the resource's state: it already exists, or a precondition fails (e.g. deleting a user who has orders).",
        ),
        PayloadTooLarge: problemResponse("The request body is larger than the gateway accepts."),
        UnsupportedMediaType: problemResponse("The request body is not application/json."),
        ServiceUnavailable: {
          ...problemResponse("An upstream service is unreachable; retry after the Retry-After seconds."),
          headers: { "Retry-After": { description: "Seconds to wait before retrying.", schema: { type: "integer", minimum: 0 } } },
        },
        GatewayTimeout: problemResponse("An upstream service did not answer within the gateway's deadline."),
        Problem: problemResponse("Any other error, as RFC 9457 problem details."),
      },
    },
  };
}

function operation(binding: HttpBinding, schemas: SchemaBuilder): JsonSchema {
  const { method, service, body, responseBody } = binding;
  const op: JsonSchema = {
    operationId: `${service.name}_${method.name}${binding.index > 0 ? `_${binding.index}` : ""}`,
    tags: [service.typeName],
    summary: method.name,
    description: `Calls \`${service.typeName}.${method.name}\`.`,
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
    // No body is an empty message; it is required only when some field must be set.
    op.requestBody = { required: requiresSomething(schema, schemas), content: { "application/json": { schema } } };
  }
  const output = responseBody === undefined ? schemas.message(method.output) : schemas.field(responseBody);
  const mutates = binding.httpMethod !== "GET" && binding.httpMethod !== "HEAD";
  if ((method as { methodKind: string }).methodKind === "server_streaming") {
    // Served as Server-Sent Events (workers/gateway/src/streaming/), resumed by Last-Event-ID.
    op.parameters = [
      ...(op.parameters as JsonSchema[]),
      { name: "Last-Event-ID", in: "header", required: false, description: "Resume after this event id (EventSource sends it when it reconnects).", schema: { type: "string", pattern: "^[0-9]{1,18}$" } },
    ];
    op.responses = {
      "200": {
        description: "The stream: Server-Sent Events (`id:`, `event:` the type, `data:` one message as proto3 JSON; heartbeats as comments), or one message a line for `Accept: application/x-ndjson`. Errors before the first event are problem+json.",
        content: { "text/event-stream": { schema: { type: "string" }, "x-item-schema": output }, "application/x-ndjson": { schema: { type: "string" }, "x-item-schema": output } },
      },
      "400": problemRef("BadRequest"),
      "429": problemRef("Problem"),
      "503": problemRef("ServiceUnavailable"),
      default: problemRef("Problem"),
    };
    return op;
  }
  op.responses = {
    "200": { description: "OK", content: { "application/json": { schema: output } } },
    "400": problemRef("BadRequest"),
    // A resource (or its parent) named in the path may not exist.
    ...(binding.template.variables.length > 0 ? { "404": problemRef("NotFound") } : {}),
    // Writes can conflict: ALREADY_EXISTS, FAILED_PRECONDITION and ABORTED are 409.
    ...(mutates ? { "409": problemRef("Conflict") } : {}),
    ...(body.kind === "none" ? {} : { "413": problemRef("PayloadTooLarge"), "415": problemRef("UnsupportedMediaType") }),
    "503": problemRef("ServiceUnavailable"),
    "504": problemRef("GatewayTimeout"),
    default: problemRef("Problem"),
  };
  return op;
}

function requiresSomething(schema: JsonSchema, schemas: SchemaBuilder): boolean {
  const ref = typeof schema.$ref === "string" ? schema.$ref.replace("#/components/schemas/", "") : undefined;
  const resolved = ref === undefined ? schema : schemas.components[ref];
  return Array.isArray(resolved?.required) && resolved.required.length > 0;
}

function problemResponse(description: string): JsonSchema {
  return { description, content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } } };
}

function problemSchemas(): Record<string, JsonSchema> {
  const codes = [...new Set(Object.values(problemTypes).map((type) => codeToString(type.code)))].sort();
  return {
    Problem: {
      type: "object",
      description: "RFC 9457 problem details. Internal details never appear in it.",
      required: ["type", "title", "status", "detail", "code", "requestId"],
      properties: {
        // The gateway's whole problem catalogue (errors/problem-types.ts).
        type: { type: "string", format: "uri", enum: [...new Set(Object.values(problemTypes).map(problemTypeUri))].sort() },
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
