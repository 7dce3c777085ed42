import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { ErrorInfoSchema } from "@grpc-edge/proto/google/rpc/error_details";
import { ERROR_DOMAIN, ErrorReason } from "@grpc-edge/proto/shared-names";

export { ERROR_DOMAIN };

/** Reasons of the google.rpc.ErrorInfo detail; the gateway maps them to HTTP statuses. */
export const IdempotencyReason = {
  /** Same key, different request (→ 422). */
  reused: ErrorReason.idempotencyKeyReused,
  /** Same key while the first request is still running (→ 409). */
  inFlight: ErrorReason.idempotencyKeyInFlight,
  /** The key itself is malformed (→ 400). */
  invalid: ErrorReason.idempotencyKeyInvalid,
} as const;

function withReason(message: string, code: Code, reason: string): ConnectError {
  return new ConnectError(message, code, undefined, [{ desc: ErrorInfoSchema, value: { reason, domain: ERROR_DOMAIN } }]);
}

export const keyReused = () =>
  withReason("idempotency key was already used with a different request", Code.InvalidArgument, IdempotencyReason.reused);

export const keyInFlight = () =>
  withReason("a request with this idempotency key is still being processed; retry later", Code.Aborted, IdempotencyReason.inFlight);

export const keyInvalid = () =>
  withReason("idempotency-key must be 1 to 255 visible ASCII characters", Code.InvalidArgument, IdempotencyReason.invalid);
