import type { DescMessage, Message } from "@bufbuild/protobuf";
import { createValidator, type Validator } from "@bufbuild/protovalidate";
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { violationsError } from "./violations-error.ts";

// Compiling rules is the expensive part and the validator caches it per message
// type, so every service in the process shares one.
let shared: Validator | undefined;

/**
 * Server interceptor: checks every request message (unary or streamed) against the buf.validate rules
 * of its .proto before the handler runs. A violation is INVALID_ARGUMENT with
 * the violations as a detail; a rule that cannot be evaluated is our bug (INTERNAL).
 */
export function validationInterceptor(validator: Validator = (shared ??= createValidator())): Interceptor {
  const check = (schema: DescMessage, message: Message) => {
    const result = validator.validate(schema, message);
    if (result.kind === "invalid") throw violationsError(result.violations);
    if (result.kind === "error") {
      throw new ConnectError("request validation failed", Code.Internal, undefined, undefined, result.error);
    }
  };
  return (next) => async (req) => {
    // A streamed request (e.g. the one message of a server stream) is checked as it
    // is read, before the handler sees it: a violation fails the call before any answer.
    if (req.stream) return next({ ...req, message: checkedEach(req.message, (m) => check(req.method.input, m)) });
    check(req.method.input, req.message);
    return next(req);
  };
}

async function* checkedEach<T>(messages: AsyncIterable<T>, check: (message: T) => void): AsyncIterable<T> {
  for await (const message of messages) {
    check(message);
    yield message;
  }
}
