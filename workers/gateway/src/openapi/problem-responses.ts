import { codeToString } from "@connectrpc/connect/protocol-connect";
import { problemTypes, problemTypeUri, type ProblemType } from "../errors/problem-types.ts";
import type { JsonSchema } from "./json-schema.ts";

/** One documented error answer: its component name, the problem it shows, and when it happens. */
interface ProblemResponse {
  name: string;
  type: ProblemType;
  description: string;
  example: string;
  headers?: Record<string, JsonSchema>;
}

const retryAfter = { "Retry-After": { description: "Seconds to wait before retrying.", schema: { type: "integer", minimum: 0 } } };

/** Every status an operation can answer with a problem, by status code. */
export const problemResponses: Record<string, ProblemResponse> = {
  "400": {
    name: "BadRequest",
    type: problemTypes.invalidArgument,
    description: "The request is invalid: a path or query parameter, the body, a validation rule, `fields` or the update mask (`violations` lists each field).",
    example: "firstName: value length must be at least 1 characters",
  },
  "401": {
    name: "Unauthorized",
    type: problemTypes.unauthenticated,
    description: "No bearer token where one is needed, or one that is invalid or expired.",
    example: "This request needs a bearer token.",
    headers: { "WWW-Authenticate": { description: 'The RFC 6750 challenge, e.g. `Bearer realm="grpc-edge", error="invalid_token"`.', schema: { type: "string" } } },
  },
  "403": { name: "Forbidden", type: problemTypes.permissionDenied, description: "The caller may not do this (another user's data, a missing scope), or a browser origin not allowed.", example: "The caller may not do this." },
  "404": { name: "NotFound", type: problemTypes.notFound, description: "The resource named in the path, or one it refers to, does not exist.", example: "user 42 not found" },
  "409": {
    name: "Conflict",
    type: problemTypes.failedPrecondition,
    description: "The request conflicts with the resource's state: it already exists, a precondition fails (e.g. deleting a user who has orders), or a request with the same Idempotency-Key is still running.",
    example: "user 3 has placed orders; cancel them first",
  },
  "413": { name: "PayloadTooLarge", type: problemTypes.payloadTooLarge, description: "The request body is larger than the gateway accepts.", example: "The request body is too large." },
  "415": { name: "UnsupportedMediaType", type: problemTypes.unsupportedMediaType, description: "The request body is not application/json.", example: "The request body must be JSON." },
  "422": {
    name: "IdempotencyKeyReused",
    type: problemTypes.idempotencyKeyReused,
    description: "This Idempotency-Key was already used with a different request.",
    example: problemTypes.idempotencyKeyReused.detail,
  },
  "429": { name: "TooManyRequests", type: problemTypes.rateLimited, description: "Too many requests from this caller; retry after the Retry-After seconds.", example: problemTypes.rateLimited.detail, headers: retryAfter },
  "502": {
    name: "BadGateway",
    type: problemTypes.upstreamResponseTooLarge,
    description: "An upstream service answered with more data than the gateway reads.",
    example: problemTypes.upstreamResponseTooLarge.detail,
  },
  "503": { name: "ServiceUnavailable", type: problemTypes.unavailable, description: "An upstream service is unreachable; retry after the Retry-After seconds.", example: problemTypes.unavailable.detail, headers: retryAfter },
  "504": { name: "GatewayTimeout", type: problemTypes.deadlineExceeded, description: "An upstream service did not answer within the gateway's deadline.", example: problemTypes.deadlineExceeded.detail },
};

/** The components.responses entries: one problem+json response per status, each with an example. */
export function problemResponseComponents(): Record<string, JsonSchema> {
  const components: Record<string, JsonSchema> = {};
  for (const [status, { name, type, description, example, headers }] of Object.entries(problemResponses)) {
    components[name] = {
      description,
      ...(headers === undefined ? {} : { headers }),
      content: {
        "application/problem+json": {
          schema: { $ref: "#/components/schemas/Problem" },
          example: { type: problemTypeUri(type), title: type.title, status: Number(status), detail: example, code: codeToString(type.code), requestId: "0f8fad5b-d9cb-469f-a165-70867728950e" },
        },
      },
    };
  }
  components.Problem = {
    description: "Any other error, as RFC 9457 problem details.",
    content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
  };
  return components;
}

/** `{ "400": {$ref…}, … }` for the statuses given. */
export function problemRefs(statuses: readonly string[]): Record<string, JsonSchema> {
  return Object.fromEntries(statuses.map((status) => [status, { $ref: `#/components/responses/${problemResponses[status]!.name}` }]));
}
