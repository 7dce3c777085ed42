import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../context/app-env.ts";

export interface AccessLogEntry {
  method: string;
  path: string;
  status: number;
  durationMs: number;
  requestId: string;
  /** W3C trace id, to find the request's trace (and the services' log lines, which carry it too). */
  traceId: string;
  /** The upstream RPC ("package.Service/Method") and how long it took, when the request made one. */
  rpc?: string;
  upstreamMs?: number;
  error?: string;
}

export type AccessLog = (entry: AccessLogEntry) => void;

/** Workers Logs indexes JSON lines, so one object per line is all it takes. */
export const consoleAccessLog: AccessLog = (entry) => console.log(JSON.stringify(entry));

/** One line per request, written after the response (errors included) is final. */
export function accessLog(log: AccessLog): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // workerd advances clocks only across I/O, which is exactly what we want to time.
    const start = Date.now();
    await next();
    const entry: AccessLogEntry = {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Date.now() - start,
      requestId: c.get("requestId"),
      traceId: c.get("trace").traceId,
    };
    const upstream = c.get("upstream");
    if (upstream !== undefined) {
      entry.rpc = upstream.rpc;
      entry.upstreamMs = upstream.endMs - upstream.startMs;
    }
    const error = c.get("errorCause");
    if (error !== undefined) entry.error = error;
    log(entry);
  };
}
