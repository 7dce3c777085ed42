import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { GatewayError } from "../errors/gateway-error.ts";
import { problemTypes } from "../errors/problem-types.ts";
import type { AppEnv } from "../context/app-env.ts";

/** What a browser may send cross-origin: the bearer token, JSON bodies, idempotency keys. */
export const CORS_ALLOW_HEADERS = [
  "Authorization",
  "Content-Type",
  "Idempotency-Key",
  "X-Request-Id",
  // Connect and gRPC-Web clients (rpc-protocols/).
  "Connect-Protocol-Version",
  "Connect-Timeout-Ms",
  "X-Grpc-Web",
  "X-User-Agent",
  "Grpc-Timeout",
];
export const CORS_ALLOW_METHODS = ["GET", "HEAD", "POST", "PATCH", "DELETE"];
/** Response headers scripts may read (beyond the CORS-safelisted ones). */
export const CORS_EXPOSE_HEADERS = [
  "X-Request-Id",
  "Idempotent-Replayed",
  "Retry-After",
  "WWW-Authenticate",
  "ETag",
  "Location",
  "Server-Timing",
  "X-Edge-Cache",
  // Connect and gRPC-Web clients read the call's status from these.
  "Grpc-Status",
  "Grpc-Message",
  "Grpc-Status-Details-Bin",
];
/** How long a browser may cache a preflight answer, in seconds. */
export const CORS_MAX_AGE_S = 600;

/**
 * CORS for the origins in CORS_ALLOWED_ORIGINS only (Hono's cors, fed the list). Any
 * other origin gets no CORS headers at all, so the browser withholds the response
 * from its script; its preflight is refused outright with 403 problem JSON. No
 * credentials mode: the API takes bearer tokens, never cookies.
 */
export function corsAllowList(origins: readonly string[]): MiddlewareHandler<AppEnv> {
  const allowed = new Set(origins);
  const withCors = cors({
    origin: (origin) => (allowed.has(origin) ? origin : null),
    allowMethods: CORS_ALLOW_METHODS,
    allowHeaders: CORS_ALLOW_HEADERS,
    exposeHeaders: CORS_EXPOSE_HEADERS,
    maxAge: CORS_MAX_AGE_S,
  });
  return async (c, next) => {
    const origin = c.req.header("origin");
    const preflight = c.req.method === "OPTIONS" && origin !== undefined && c.req.header("access-control-request-method") !== undefined;
    if (preflight && !allowed.has(origin)) {
      throw new GatewayError(problemTypes.corsOriginNotAllowed);
    }
    // Same-origin and non-browser requests carry no Origin: nothing to add.
    if (origin === undefined) return next();
    return withCors(c, next);
  };
}
