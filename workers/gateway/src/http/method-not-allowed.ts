import type { Handler } from "hono";
import { methodNotAllowed as methodNotAllowedError } from "../errors/gateway-error.ts";
import type { AppEnv } from "./app-env.ts";

/** Catch-all for a known path: register after its real routes so only other methods land here. */
export function methodNotAllowed(allow: readonly string[]): Handler<AppEnv> {
  return (c) => {
    throw methodNotAllowedError(c.req.method, allow);
  };
}
