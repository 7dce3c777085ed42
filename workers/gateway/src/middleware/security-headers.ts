import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "../context/app-env.ts";

/** One year, the preload list's minimum. */
export const HSTS = "max-age=31536000; includeSubDomains";

/**
 * Headers every Worker response gets (the /docs static assets get theirs from
 * _headers, see scripts/build-docs-assets.ts): Hono's secureHeaders (nosniff,
 * Referrer-Policy no-referrer, X-Frame-Options…) plus a CSP that lets a JSON answer
 * load and frame nothing. HSTS only over https: on plain http it is ignored anyway,
 * and would mislead on a local run. Errors and answers to authenticated requests are
 * `Cache-Control: no-store` unless a handler (the edge cache) chose a policy itself:
 * one user's answer must not end up in a shared cache.
 */
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  const base = secureHeaders({
    strictTransportSecurity: false,
    xFrameOptions: "DENY",
    referrerPolicy: "no-referrer",
    contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  });
  return async (c, next) => {
    await base(c, next);
    if (new URL(c.req.url).protocol === "https:") c.res.headers.set("Strict-Transport-Security", HSTS);
    const personal = c.req.header("authorization") !== undefined;
    if ((c.res.status >= 400 || personal) && !c.res.headers.has("Cache-Control")) {
      c.res.headers.set("Cache-Control", "no-store");
    }
  };
}
