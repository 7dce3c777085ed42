import type { Handler } from "hono";
import { MethodNotAllowedError } from "../errors/method-not-allowed-error.ts";
import type { AppEnv } from "./app-env.ts";

/** Catch-all for a known path: register after its real routes so only other methods land here. */
export function methodNotAllowed(allow: readonly string[]): Handler<AppEnv> {
  return (c) => {
    throw new MethodNotAllowedError(c.req.method, allow);
  };
}
