import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../context/app-env.ts";

/** One year, the preload list's minimum. */
export const HSTS = "max-age=31536000; includeSubDomains";

/**
 * What Hono's secureHeaders sets with the options this gateway would give it (nosniff,
 * Referrer-Policy no-referrer, X-Frame-Options DENY…), plus a CSP that lets a JSON answer
 * load and frame nothing. Written out once: building them per request cost ~5 % of the
 * Worker's CPU per request (bench/README.md).
 */
const EVERY_ANSWER: readonly (readonly [string, string])[] = [
  ["Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"],
  ["Cross-Origin-Opener-Policy", "same-origin"],
  ["Cross-Origin-Resource-Policy", "same-origin"],
  ["Origin-Agent-Cluster", "?1"],
  ["Referrer-Policy", "no-referrer"],
  ["X-Content-Type-Options", "nosniff"],
  ["X-DNS-Prefetch-Control", "off"],
  ["X-Download-Options", "noopen"],
  ["X-Frame-Options", "DENY"],
  ["X-Permitted-Cross-Domain-Policies", "none"],
  ["X-XSS-Protection", "0"],
];

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
