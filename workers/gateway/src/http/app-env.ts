import type { Caller } from "../auth/caller.ts";
import type { RateLimiterBinding } from "../middleware/rate-limit/rate-limit.ts";

/** Hono's typing of per-request variables shared by the gateway's middleware. */
export interface AppEnv {
  Variables: {
    requestId: string;
    /** Internal description of a 5xx cause, for the access log only. */
    errorCause?: string;
    /** Who is calling, once the authenticate middleware has run (absent: anonymous, no scope). */
    caller?: Caller;
  };
  Bindings: {
    /** Workers rate-limit binding ([[ratelimits]] in wrangler.toml); optional. */
    RATE_LIMITER?: RateLimiterBinding;
  };
}
