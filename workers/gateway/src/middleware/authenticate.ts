import type { MiddlewareHandler } from "hono";
import { anonymousCaller, type Caller } from "../auth/caller.ts";
import { InvalidTokenError, type JwtVerifier } from "../auth/jwt-verifier.ts";
import { unauthenticated } from "../errors/gateway-error.ts";
import type { AppEnv } from "../context/app-env.ts";

export interface AuthenticateOptions {
  verify: JwtVerifier;
  /** PUBLIC_READS: every caller, anonymous or not, may read users and their orders (users:read). */
  publicReads: boolean;
}

/** Methods that never change anything; only these may be anonymous. */
const READS = new Set(["GET", "HEAD", "OPTIONS"]);
// RFC 6750 §2.1 b64token, one space or more after the scheme (case-insensitive).
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/**
 * Establishes c.var.caller from an `Authorization: Bearer <JWT>` header. A header that
 * is present must verify (401 invalid_token otherwise, even on a public read: a client
 * with a broken token should find out). Without one the caller is anonymous, which is
 * enough for reads only: any other method is refused here, before the body is read or
 * any service is called.
 */
export function authenticate({ verify, publicReads }: AuthenticateOptions): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header("authorization");
    let caller: Caller;
    // Refused unless proven otherwise: the access log says "denied" for every 401 below.
    c.set("authz", "denied");
    if (header === undefined) {
      if (!READS.has(c.req.method) && c.get("rpcRead") !== true) throw unauthenticated("missing");
      caller = anonymousCaller(publicReads ? "users:read" : "");
    } else {
      const token = BEARER.exec(header.trim())?.[1];
      if (token === undefined) throw unauthenticated("invalid");
      let verified;
      try {
        verified = await verify(token);
      } catch (err) {
        if (err instanceof InvalidTokenError) throw unauthenticated("invalid");
        throw err;
      }
      caller = {
        authenticated: true,
        sub: verified.sub,
        scope: withScope(verified.scope, publicReads ? "users:read" : undefined),
        ...(verified.jti === undefined ? {} : { userJti: verified.jti }),
      };
    }
    c.set("caller", caller);
    c.set("authz", caller.authenticated ? "token" : publicReads ? "public-read" : "anonymous");
    await next();
  };
}

function withScope(scope: string, extra: string | undefined): string {
  if (extra === undefined || scope.split(" ").includes(extra)) return scope;
  return scope === "" ? extra : `${scope} ${extra}`;
}
