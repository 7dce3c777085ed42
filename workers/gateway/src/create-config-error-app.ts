import type { Hono } from "hono";
import { createBaseApp } from "./create-base-app.ts";
import type { GatewayError } from "./errors/gateway-error.ts";
import type { AccessLog } from "./http/access-log.ts";
import type { AppEnv } from "./http/app-env.ts";

/**
 * Stands in for the real app when the environment is invalid: every request, /healthz
 * included, gets a 500 problem naming the broken setting, instead of an isolate crash.
 */
export function createConfigErrorApp(error: GatewayError, log?: AccessLog): Hono<AppEnv> {
  const app = createBaseApp(log);
  app.all("*", () => {
    throw error;
  });
  return app;
}
