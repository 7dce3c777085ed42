import { ErrorInfoSchema } from "@grpc-edge/proto/google/rpc/error_details";
import { ConnectError } from "@connectrpc/connect";

export interface IdempotencyProblem {
  status: number;
  slug: string;
  title: string;
  detail: string;
  retryAfter?: number;
}

/** The domain of the services' google.rpc.ErrorInfo details. */
const DOMAIN = "grpc-edge.dev";

/**
 * The services' Idempotency-Key outcomes (ErrorInfo reason) as the IETF draft's
 * statuses: a key reused with another payload is 422, a key whose first request is
 * still running is 409 (retry later). IDEMPOTENCY_KEY_INVALID stays a plain 400.
 */
export function idempotencyProblemOf(err: ConnectError): IdempotencyProblem | undefined {
  const reasons = err.findDetails(ErrorInfoSchema).filter((d) => d.domain === DOMAIN).map((d) => d.reason);
  if (reasons.includes("IDEMPOTENCY_KEY_REUSED")) {
    return {
      status: 422,
      slug: "idempotency-key-reused",
      title: "Idempotency-Key reused",
      detail: "This Idempotency-Key was already used with a different request; use a new key.",
    };
  }
  if (reasons.includes("IDEMPOTENCY_KEY_IN_FLIGHT")) {
    return {
      status: 409,
      slug: "idempotency-key-in-flight",
      title: "Idempotency-Key in flight",
      detail: "A request with this Idempotency-Key is still being processed; retry shortly.",
      retryAfter: 1,
    };
  }
  return undefined;
}
