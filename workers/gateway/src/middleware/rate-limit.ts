import type { MiddlewareHandler } from "hono";
import { GatewayError } from "../errors/gateway-error.ts";
import { problemTypes } from "../errors/problem-types.ts";
import type { AppEnv } from "../context/app-env.ts";
import { clientNetwork } from "./client-network.ts";
import { warnOnce } from "./warn-once.ts";

export interface RateLimitOptions {
  /** Retry-After of a 429, in seconds: the binding's period (10 or 60), the longest a window lasts. */
  retryAfterSeconds: number;
  /** Where the one "no binding" / "binding failed" notice goes (default console.warn). */
  warn?: (message: string) => void;
}

/**
 * Counts requests per caller with the Workers rate-limit binding RATE_LIMITER: the
 * verified `sub` for an authenticated caller, the client's network for anonymous ones:
 * its IPv4 address or IPv6 /64 (client-network.ts) from CF-Connecting-IP, which
 * Cloudflare sets and a client cannot. Runs after authentication,
 * so a forged token cannot spend someone else's budget. Without the binding (a local
 * run without [[ratelimits]]) or when it fails, requests pass: the limiter protects
 * capacity, and an outage of it must not become an outage of the API.
 */
export function rateLimit({ retryAfterSeconds, warn = console.warn }: RateLimitOptions): MiddlewareHandler<AppEnv> {
  const warnOnceOnly = warnOnce(warn);
  return async (c, next) => {
    const limiter = c.env?.RATE_LIMITER;
    if (limiter === undefined) {
      warnOnceOnly("RATE_LIMITER binding is absent: requests are not rate limited");
      return next();
    }
    const sub = c.get("caller")?.sub;
    const key = sub !== undefined ? `user:${sub}` : `net:${clientNetwork(c.req.header("cf-connecting-ip"))}`;
    let success = true;
    try {
      ({ success } = await limiter.limit({ key }));
    } catch (err) {
      warnOnceOnly(`RATE_LIMITER failed, requests pass unlimited: ${String(err)}`);
    }
    if (!success) {
      throw new GatewayError(problemTypes.rateLimited, undefined, { headers: { "Retry-After": String(retryAfterSeconds) } });
    }
    return next();
  };
}
