import { codeToString } from "@connectrpc/connect/protocol-connect";
import { problemTypes, problemTypeUri } from "../errors/problem-types.ts";
import type { HttpBinding } from "../transcoding/index.ts";
import type { JsonSchema } from "./json-schema.ts";
import { SchemaBuilder } from "./message-schemas.ts";
import { openApiPath, operationParameters } from "./operation-parameters.ts";
import { problemRefs, problemResponseComponents } from "./problem-responses.ts";

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

export interface OpenApiOptions {
  info?: OpenApiInfo;
  /** PUBLIC_READS: reads may be anonymous (the bearer token is optional on them). */
  publicReads?: boolean;
}

const openApiMethods = new Set(["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"]);

/** OpenAPI 3.1 for the bindings: the same descriptors the gateway routes with. */
export function createOpenApiDocument(bindings: readonly HttpBinding[], options: OpenApiOptions = {}): JsonSchema {
  const { info = defaultInfo, publicReads = false } = options;
  const schemas = new SchemaBuilder();
  const paths: Record<string, Record<string, JsonSchema>> = {};
  const tags = new Map<string, string>();
  for (const binding of bindings) {
    // A custom verb OpenAPI has no key for stays routable, just undocumented.
    if (!openApiMethods.has(binding.httpMethod)) continue;
    tags.set(binding.service.typeName, binding.service.name);
    (paths[openApiPath(binding)] ??= {})[binding.httpMethod.toLowerCase()] = operation(binding, schemas, publicReads);
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
      responses: problemResponseComponents(),
      securitySchemes: {
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description: "An end-user JWT (development: `npm run token`). Every write needs one; reads too unless the gateway runs with PUBLIC_READS.",
        },
      },
    },
  };
}

function operation(binding: HttpBinding, schemas: SchemaBuilder, publicReads: boolean): JsonSchema {
  const { method, service, body, responseBody, success } = binding;
  const read = binding.httpMethod === "GET" || binding.httpMethod === "HEAD";
  const op: JsonSchema = {
    operationId: `${service.name}_${method.name}${binding.index > 0 ? `_${binding.index}` : ""}`,
    tags: [service.typeName],
    summary: method.name,
    description: `Calls \`${service.typeName}.${method.name}\`.`,
    parameters: operationParameters(binding, schemas),
    // Writes always need a token; reads only without PUBLIC_READS ({} : anonymous is fine).
    security: read && publicReads ? [{}, { bearerAuth: [] }] : [{ bearerAuth: [] }],
  };
  if (body.kind !== "none") {
    const pathBound = new Set(binding.pathFields.filter((p) => p.fields.length === 1).map((p) => p.fields[0]));
    let schema =
      body.kind === "field"
        ? schemas.field(body.field)
        : pathBound.size === 0 && binding.updateMask === undefined
          ? schemas.message(method.input)
          : schemas.object(method.input.fields.filter((f) => !pathBound.has(f) && f !== binding.updateMask));
    // An update takes any subset of the fields (the edge derives the update mask from the keys).
    if (binding.updateMask !== undefined) schema = partial(schema, schemas);
    // No body is an empty message; it is required only when some field must be set.
    op.requestBody = { required: requiresSomething(schema, schemas), content: { "application/json": { schema } } };
  }
  const output = responseBody === undefined ? schemas.message(method.output) : schemas.field(responseBody);
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
      ...problemRefs(["400", "401", "403", "404", "429", "503"]),
      default: { $ref: "#/components/responses/Problem" },
    };
    return op;
  }
  const answered: JsonSchema =
    success.status === 204
      ? { description: "No Content" }
      : {
          description: success.status === 201 ? "Created" : "OK",
          ...(success.location === undefined
            ? {}
            : { headers: { Location: { description: `The new resource: \`${success.location.source}\`.`, schema: { type: "string" } } } }),
          content: { "application/json": { schema: output } },
        };
  const statuses = [
    "400",
    "401",
    "403",
    // A resource (or its parent) named in the path may not exist.
    ...(binding.template.variables.length > 0 ? ["404"] : []),
    // Writes can conflict (ALREADY_EXISTS, FAILED_PRECONDITION, ABORTED) and carry Idempotency-Keys.
    ...(read ? [] : ["409"]),
    ...(body.kind === "none" ? [] : ["413", "415"]),
    ...(read ? [] : ["422"]),
    "429",
    "502",
    "503",
    "504",
  ];
  op.responses = { [String(success.status)]: answered, ...problemRefs(statuses), default: { $ref: "#/components/responses/Problem" } };
  return op;
}

/** The schema with no required field: a $ref is copied inline without its `required`. */
function partial(schema: JsonSchema, schemas: SchemaBuilder): JsonSchema {
  const ref = typeof schema.$ref === "string" ? schema.$ref.replace("#/components/schemas/", "") : undefined;
  const { required: _required, ...rest } = ref === undefined ? schema : (schemas.components[ref] ?? schema);
  return rest;
}

function requiresSomething(schema: JsonSchema, schemas: SchemaBuilder): boolean {
  const ref = typeof schema.$ref === "string" ? schema.$ref.replace("#/components/schemas/", "") : undefined;
  const resolved = ref === undefined ? schema : schemas.components[ref];
  return Array.isArray(resolved?.required) && resolved.required.length > 0;
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
