import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../context/app-env.ts";

/**
 * `Server-Timing: upstream;dur=<ms>, total;dur=<ms>` on every response: `total` is the
 * gateway's whole handling, `upstream` (only when the request called the user service)
 * the Connect call inside it. Browsers show both in their network panel.
 */
export function serverTiming(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // workerd advances clocks only across I/O: CPU time between I/O does not show.
    const startMs = Date.now();
    await next();
    const upstream = c.get("upstream");
    const metrics = upstream ? [`upstream;dur=${upstream.endMs - upstream.startMs}`] : [];
    metrics.push(`total;dur=${Date.now() - startMs}`);
    c.res.headers.set("Server-Timing", metrics.join(", "));
  };
}
