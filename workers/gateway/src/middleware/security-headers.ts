import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../context/app-env.ts";
import { EVERY_ANSWER, HSTS } from "./security-header-values.ts";

/**
 * Headers every Worker response gets (the /docs static assets get theirs from _headers,
 * see scripts/build-docs-assets.ts). HSTS only over https: on plain http it is ignored
 * anyway, and would mislead on a local run. Errors and answers to authenticated requests
 * are `Cache-Control: no-store` unless a handler (the edge cache) chose a policy itself:
 * one user's answer must not end up in a shared cache.
 */
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const headers = c.res.headers;
    for (const [name, value] of EVERY_ANSWER) headers.set(name, value);
    headers.delete("X-Powered-By");
    if (c.req.url.startsWith("https:")) headers.set("Strict-Transport-Security", HSTS);
    const personal = c.req.header("authorization") !== undefined;
    if ((c.res.status >= 400 || personal) && !headers.has("Cache-Control")) headers.set("Cache-Control", "no-store");
  };
}
