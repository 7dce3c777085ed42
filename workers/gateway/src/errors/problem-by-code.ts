import { Code } from "@connectrpc/connect";

export interface ProblemSpec {
  status: number;
  title: string;
  /** Shown when the error's own message may not reach the client. */
  detail: string;
  /** Only these codes carry messages written for callers (bad input, missing or conflicting thing). */
  exposeMessage?: true;
  /** Seconds for a Retry-After header: the condition is expected to clear. */
  retryAfter?: number;
}

/**
 * The one Connect code → HTTP mapping of the gateway (the standard gRPC/HTTP table),
 * with one deliberate difference: FAILED_PRECONDITION is 409, not 400 — the request
 * was well-formed but conflicts with the resource's state (e.g. DeleteUser on a user
 * with placed orders). Codes not listed by the API contract map to 500.
 */
export const problemByCode: Readonly<Record<Code, ProblemSpec>> = {
  [Code.InvalidArgument]: { status: 400, title: "Invalid argument", detail: "The request is invalid.", exposeMessage: true },
  [Code.OutOfRange]: { status: 400, title: "Out of range", detail: "A value in the request is out of range.", exposeMessage: true },
  [Code.Unauthenticated]: { status: 401, title: "Unauthenticated", detail: "Authentication is required." },
  [Code.PermissionDenied]: { status: 403, title: "Permission denied", detail: "The caller may not do this." },
  [Code.NotFound]: { status: 404, title: "Not found", detail: "The requested resource does not exist.", exposeMessage: true },
  [Code.AlreadyExists]: { status: 409, title: "Already exists", detail: "The resource already exists.", exposeMessage: true },
  [Code.FailedPrecondition]: {
    status: 409,
    title: "Failed precondition",
    detail: "The request cannot be served in the current state.",
    exposeMessage: true,
  },
  [Code.Aborted]: { status: 409, title: "Aborted", detail: "The operation was aborted by a conflict; retry it." },
  [Code.ResourceExhausted]: { status: 429, title: "Resource exhausted", detail: "Too many requests.", retryAfter: 1 },
  [Code.Unimplemented]: { status: 501, title: "Not implemented", detail: "The operation is not implemented." },
  [Code.Unavailable]: { status: 503, title: "Service unavailable", detail: "An upstream service is unavailable; retry shortly.", retryAfter: 1 },
  [Code.DeadlineExceeded]: { status: 504, title: "Upstream timeout", detail: "An upstream service did not answer in time." },
  // 499 is non-standard, and the caller that canceled is gone anyway.
  [Code.Canceled]: { status: 500, title: "Canceled", detail: "The operation was canceled." },
  [Code.Unknown]: { status: 500, title: "Internal error", detail: "An internal error occurred." },
  [Code.Internal]: { status: 500, title: "Internal error", detail: "An internal error occurred." },
  [Code.DataLoss]: { status: 500, title: "Internal error", detail: "An internal error occurred." },
};
