import { Code } from "@connectrpc/connect";
import { codeToString } from "@connectrpc/connect/protocol-connect";

/**
 * One kind of problem the gateway answers with (RFC 9457): the last part of its type
 * URI, its HTTP status and title, the Connect code a caller of either vocabulary sees,
 * and what the caller reads when the error's own message must not reach them.
 */
export interface ProblemType {
  readonly slug: string;
  readonly status: number;
  readonly title: string;
  readonly code: Code;
  /** Shown when the error's own message may not reach the client. */
  readonly detail: string;
  /** Only these carry messages written for callers (bad input, missing or conflicting thing). */
  readonly exposeMessage?: true;
  /** Headers the status needs; an error may override them (e.g. a longer Retry-After). */
  readonly headers?: Readonly<Record<string, string>>;
}

export const problemTypeBase = "https://grpc-edge.dev/problems/";

/** The type URI of a problem, e.g. "https://grpc-edge.dev/problems/not-found". */
export const problemTypeUri = (type: ProblemType): string => problemTypeBase + type.slug;

const internal = "An internal error occurred.";
const retryShortly = { "Retry-After": "1" };
// RFC 6750 §3: a 401 carries a challenge; without a token, no error code (§3.1).
const bearerChallenge = { "WWW-Authenticate": 'Bearer realm="grpc-edge"' };

/** A problem named after its Connect code (slug "not-found" for NOT_FOUND…). */
const byCode = (code: Code, status: number, title: string, detail: string, extra: Partial<ProblemType> = {}): ProblemType => ({
  slug: codeToString(code).replaceAll("_", "-"),
  status,
  title,
  code,
  detail,
  ...extra,
});

/**
 * Every problem the gateway can answer, in one place: a change of mapping is a change
 * here, and OpenAPI lists them all. The Connect code → HTTP part is the standard
 * gRPC/HTTP table with one deliberate difference: FAILED_PRECONDITION is 409, not 400
 * (well-formed, but in conflict with the resource's state, e.g. DeleteUser on a user
 * with placed orders). The rest are failures of the HTTP exchange itself, which no
 * RPC code maps to exactly.
 */
export const problemTypes = {
  // What an RPC status becomes.
  invalidArgument: byCode(Code.InvalidArgument, 400, "Invalid argument", "The request is invalid.", { exposeMessage: true }),
  outOfRange: byCode(Code.OutOfRange, 400, "Out of range", "A value in the request is out of range.", { exposeMessage: true }),
  unauthenticated: byCode(Code.Unauthenticated, 401, "Unauthenticated", "Authentication is required.", { headers: bearerChallenge }),
  permissionDenied: byCode(Code.PermissionDenied, 403, "Permission denied", "The caller may not do this."),
  notFound: byCode(Code.NotFound, 404, "Not found", "The requested resource does not exist.", { exposeMessage: true }),
  alreadyExists: byCode(Code.AlreadyExists, 409, "Already exists", "The resource already exists.", { exposeMessage: true }),
  failedPrecondition: byCode(Code.FailedPrecondition, 409, "Failed precondition", "The request cannot be served in the current state.", {
    exposeMessage: true,
  }),
  aborted: byCode(Code.Aborted, 409, "Aborted", "The operation was aborted by a conflict; retry it."),
  resourceExhausted: byCode(Code.ResourceExhausted, 429, "Resource exhausted", "Too many requests.", { headers: retryShortly }),
  unimplemented: byCode(Code.Unimplemented, 501, "Not implemented", "The operation is not implemented."),
  unavailable: byCode(Code.Unavailable, 503, "Service unavailable", "An upstream service is unavailable; retry shortly.", { headers: retryShortly }),
  deadlineExceeded: byCode(Code.DeadlineExceeded, 504, "Upstream timeout", "An upstream service did not answer in time."),
  // 499 is non-standard, and the caller that canceled is gone anyway.
  canceled: byCode(Code.Canceled, 500, "Canceled", "The operation was canceled."),
  unknown: byCode(Code.Unknown, 500, "Internal error", internal),
  internal: byCode(Code.Internal, 500, "Internal error", internal),
  dataLoss: byCode(Code.DataLoss, 500, "Internal error", internal),

  // The HTTP exchange: request limits (request-limits.ts, read-json-body.ts) and routing.
  payloadTooLarge: { slug: "payload-too-large", status: 413, title: "Payload too large", code: Code.ResourceExhausted, detail: "The request body is too large." },
  uriTooLong: { slug: "uri-too-long", status: 414, title: "URI too long", code: Code.InvalidArgument, detail: "The request URL is too long." },
  requestHeaderFieldsTooLarge: {
    slug: "request-header-fields-too-large",
    status: 431,
    title: "Request header fields too large",
    code: Code.InvalidArgument,
    detail: "The request headers are too large.",
  },
  unsupportedMediaType: { slug: "unsupported-media-type", status: 415, title: "Unsupported media type", code: Code.InvalidArgument, detail: "The request body must be JSON." },
  methodNotAllowed: { slug: "method-not-allowed", status: 405, title: "Method not allowed", code: Code.Unimplemented, detail: "This method is not allowed here." },
  // The edge's own rules (middleware/).
  corsOriginNotAllowed: {
    slug: "cors-origin-not-allowed",
    status: 403,
    title: "Origin not allowed",
    code: Code.PermissionDenied,
    detail: "This origin may not call the API from a browser.",
  },
  rateLimited: { slug: "rate-limited", status: 429, title: "Too many requests", code: Code.ResourceExhausted, detail: "Too many requests; slow down and retry later." },
  invalidIdempotencyKey: {
    slug: "invalid-idempotency-key",
    status: 400,
    title: "Invalid Idempotency-Key",
    code: Code.InvalidArgument,
    detail: "Idempotency-Key must be 1 to 255 visible ASCII characters (a UUID is a good choice).",
  },
  // The services' Idempotency-Key outcomes (ErrorInfo reasons), as the IETF draft's statuses.
  idempotencyKeyReused: {
    slug: "idempotency-key-reused",
    status: 422,
    title: "Idempotency-Key reused",
    code: Code.InvalidArgument,
    detail: "This Idempotency-Key was already used with a different request; use a new key.",
  },
  idempotencyKeyInFlight: {
    slug: "idempotency-key-in-flight",
    status: 409,
    title: "Idempotency-Key in flight",
    code: Code.Aborted,
    detail: "A request with this Idempotency-Key is still being processed; retry shortly.",
    headers: retryShortly,
  },
  // The order service's per-user quota of placed orders (ErrorInfo reason ORDER_QUOTA_EXCEEDED):
  // the detail names the limit; no Retry-After, since waiting does not help.
  orderQuotaExceeded: {
    slug: "order-quota-exceeded",
    status: 409,
    title: "Order quota exceeded",
    code: Code.FailedPrecondition,
    detail: "This user has as many placed orders as one user may have; cancel some first.",
    exposeMessage: true,
  },
  // An upstream answer larger than the gateway reads (transport/read-bounded-body.ts), or
  // than a service read from its own upstream (ErrorInfo reason UPSTREAM_RESPONSE_TOO_LARGE).
  upstreamResponseTooLarge: {
    slug: "upstream-response-too-large",
    status: 502,
    title: "Upstream response too large",
    code: Code.Internal,
    detail: "An upstream service answered with more data than the gateway accepts.",
  },
  // The Worker's own environment (config/): the detail names the setting, never its value.
  gatewayMisconfigured: { slug: "gateway-misconfigured", status: 500, title: "Gateway misconfigured", code: Code.Internal, detail: internal },
} as const satisfies Record<string, ProblemType>;

/** The problem an RPC status becomes; a number outside the Code enum (a newer peer) is UNKNOWN's. */
export function problemTypeOfCode(code: Code): ProblemType {
  return problemTypeByCode.get(code) ?? problemTypes.unknown;
}

const problemTypeByCode = new Map<Code, ProblemType>(
  [
    problemTypes.invalidArgument,
    problemTypes.outOfRange,
    problemTypes.unauthenticated,
    problemTypes.permissionDenied,
    problemTypes.notFound,
    problemTypes.alreadyExists,
    problemTypes.failedPrecondition,
    problemTypes.aborted,
    problemTypes.resourceExhausted,
    problemTypes.unimplemented,
    problemTypes.unavailable,
    problemTypes.deadlineExceeded,
    problemTypes.canceled,
    problemTypes.unknown,
    problemTypes.internal,
    problemTypes.dataLoss,
  ].map((type) => [type.code, type]),
);
