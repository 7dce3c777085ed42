import { Code, ConnectError } from "@connectrpc/connect";
import { ErrorInfoSchema } from "@grpc-edge/proto/google/rpc/error_details";
import { ERROR_DOMAIN } from "@grpc-edge/proto/shared-names";

/**
 * An error whose google.rpc.ErrorInfo detail names why (`reason`, one of the shared
 * ErrorReason values), so callers — the gateway first — can tell it from others with
 * the same code; `metadata` carries its parameters (e.g. a limit), never user data.
 */
export function reasonError(message: string, code: Code, reason: string, metadata: Record<string, string> = {}): ConnectError {
  return new ConnectError(message, code, undefined, [{ desc: ErrorInfoSchema, value: { reason, domain: ERROR_DOMAIN, metadata } }]);
}
