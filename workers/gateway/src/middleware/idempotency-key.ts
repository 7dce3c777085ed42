import type { MiddlewareHandler } from "hono";
import { GatewayError } from "../errors/gateway-error.ts";
import { problemTypes } from "../errors/problem-types.ts";
import type { AppEnv } from "../context/app-env.ts";

// The services' rule (docs/security.md): 1–255 visible ASCII characters. Two headers
// arrive joined by ", ", which contains a space and so is refused too.
const KEY = /^[\x21-\x7E]{1,255}$/;

/** An Idempotency-Key the services would refuse is refused here, before any subrequest. */
export function idempotencyKey(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = c.req.header("idempotency-key");
    if (key !== undefined && !KEY.test(key)) {
      throw new GatewayError(problemTypes.invalidIdempotencyKey);
    }
    await next();
  };
}
