import { createValidator, type Validator } from "@bufbuild/protovalidate";
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { violationsError } from "./violations-error.ts";

// Compiling rules is the expensive part and the validator caches it per message
// type, so every service in the process shares one.
let shared: Validator | undefined;

/**
 * Server interceptor: checks every unary request against the buf.validate rules
 * of its .proto before the handler runs. A violation is INVALID_ARGUMENT with
 * the violations as a detail; a rule that cannot be evaluated is our bug (INTERNAL).
 */
export function validationInterceptor(validator: Validator = (shared ??= createValidator())): Interceptor {
  return (next) => async (req) => {
    // Our RPCs are unary; streaming ones (health Watch) have no rules.
    if (req.stream) return next(req);
    const result = validator.validate(req.method.input, req.message);
    if (result.kind === "invalid") throw violationsError(result.violations);
    if (result.kind === "error") {
      throw new ConnectError("request validation failed", Code.Internal, undefined, undefined, result.error);
    }
    return next(req);
  };
}
