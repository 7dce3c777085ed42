import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../context/app-env.ts";

// Narrow enough to be safe in logs and headers, wide enough for UUIDs and trace ids.
const saneRequestId = /^[A-Za-z0-9._-]{1,128}$/;

/** An incoming id we can trust to echo, or a fresh one. */
export function resolveRequestId(incoming: string | null | undefined): string {
  return incoming != null && saneRequestId.test(incoming) ? incoming : crypto.randomUUID();
}

/** Sets c.var.requestId and echoes it in X-Request-Id on every response, errors included. */
export function requestId(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const id = resolveRequestId(c.req.header("x-request-id"));
    c.set("requestId", id);
    await next();
    c.res.headers.set("X-Request-Id", id);
  };
}
