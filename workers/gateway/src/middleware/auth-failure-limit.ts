import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../context/app-env.ts";
import { GatewayError } from "../errors/gateway-error.ts";
import { problemTypes } from "../errors/problem-types.ts";
import { clientNetwork } from "./client-network.ts";
import { warnOnce } from "./warn-once.ts";

export interface AuthFailureLimitOptions {
  /** How long a network over its budget is refused by this isolate, in seconds: the binding's period. */
  blockSeconds: number;
  /** Most networks one isolate keeps blocked; past it the oldest block goes first. */
  maxBlocked?: number;
  /** Where the one "no binding" / "binding failed" notice goes (default console.warn). */
  warn?: (message: string) => void;
}

/**
 * Counts failed authentications (every 401 the authenticate middleware answers: a bad,
 * expired or forged token, a write without one; not a 401 a service sends, which is the
 * deployment's fault, not the caller's) per client network (client-network.ts) with the AUTH_FAILURE_LIMITER
 * binding, which counts only when called: so it is called on each failure, and a
 * network it refuses goes on a short per-isolate block list. A blocked network gets 429
 * before any token is parsed or verified, so a flood of bad tokens costs no crypto
 * (and no JWKS fetch). Without the binding, or when it fails, nothing is refused.
 */
export function authFailureLimit({ blockSeconds, maxBlocked = 10_000, warn = console.warn }: AuthFailureLimitOptions): MiddlewareHandler<AppEnv> {
  /** Network → when its block ends (ms since the epoch), oldest first. */
  const blocked = new Map<string, number>();
  const warnOnceOnly = warnOnce(warn);
  return async (c, next) => {
    const limiter = c.env?.AUTH_FAILURE_LIMITER;
    if (limiter === undefined) {
      warnOnceOnly("AUTH_FAILURE_LIMITER binding is absent: failed authentications are not limited");
      return next();
    }
    const network = clientNetwork(c.req.header("cf-connecting-ip"));
    const until = blocked.get(network);
    if (until !== undefined) {
      const left = until - Date.now();
      if (left > 0) {
        c.set("authz", "denied");
        throw new GatewayError(problemTypes.rateLimited, undefined, { headers: { "Retry-After": String(Math.ceil(left / 1000)) } });
      }
      blocked.delete(network);
    }
    await next();
    if (c.res.status !== 401 || c.get("authz") !== "denied") return;
    let success = true;
    try {
      ({ success } = await limiter.limit({ key: `auth-failure:${network}` }));
    } catch (err) {
      warnOnceOnly(`AUTH_FAILURE_LIMITER failed, failed authentications are not limited: ${String(err)}`);
    }
    if (success) return;
    if (blocked.size >= maxBlocked) blocked.delete(blocked.keys().next().value!);
    blocked.set(network, Date.now() + blockSeconds * 1000);
  };
}
