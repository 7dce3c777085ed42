import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv, EdgeAuthz } from "../context/app-env.ts";

export interface AccessLogEntry {
  method: string;
  path: string;
  status: number;
  /** Until the answer is final; for a stream, until it ended. */
  durationMs: number;
  requestId: string;
  /** W3C trace id, to find the request's trace (and the services' log lines, which carry it too). */
  traceId: string;
  /** The upstream RPC ("package.Service/Method") and how long it took, when the request made one. */
  rpc?: string;
  upstreamMs?: number;
  /**
   * The RPC's outcome, as a Connect code ("ok", "permission_denied"…), when the request made
   * one: for gRPC-Web and streams, the status of the trailers or end-of-stream message.
   */
  rpcCode?: string;
  /** Audit: the verified end user (her token's `sub`); absent when anonymous. Never a token, never an email. */
  sub?: string;
  /** Audit: her token's `jti`, also sent to the services as the service token's `user_jti`. */
  jti?: string;
  /** Audit: the edge's decision (types EdgeAuthz); "none" where no check runs (/healthz, /openapi.json, preflights). */
  authz: EdgeAuthz | "none";
  error?: string;
}

export type AccessLog = (entry: AccessLogEntry) => void;

/** Workers Logs indexes JSON lines, so one object per line is all it takes. */
export const consoleAccessLog: AccessLog = (entry) => console.log(JSON.stringify(entry));

/**
 * One line per request, written after the response (errors included) is final; for a
 * streamed answer (c.var.streamEnded), when the stream has ended, with its final status.
 */
export function accessLog(log: AccessLog): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // workerd advances clocks only across I/O, which is exactly what we want to time.
    const start = Date.now();
    await next();
    const streamEnded = c.get("streamEnded");
    if (streamEnded === undefined) return write(c, start, log);
    const written = streamEnded.then(() => write(c, start, log)).catch(() => {});
    try {
      // The stream outlives the handler: keep the isolate's request alive until the line is written.
      c.executionCtx.waitUntil(written);
    } catch {
      // No ExecutionContext (unit tests): the line is written when the stream ends all the same.
    }
  };
}

function write(c: Context<AppEnv>, start: number, log: AccessLog): void {
  const entry: AccessLogEntry = {
    method: c.req.method,
    path: c.req.path,
    status: c.res.status,
    durationMs: Date.now() - start,
    requestId: c.get("requestId"),
    traceId: c.get("trace").traceId,
    authz: c.get("authz") ?? "none",
  };
  const caller = c.get("caller");
  if (caller?.sub !== undefined) entry.sub = caller.sub;
  if (caller?.userJti !== undefined) entry.jti = caller.userJti;
  const upstream = c.get("upstream");
  if (upstream !== undefined) {
    entry.rpc = upstream.rpc;
    entry.upstreamMs = upstream.endMs - upstream.startMs;
    entry.rpcCode = upstream.code;
  }
  const error = c.get("errorCause");
  if (error !== undefined) entry.error = error;
  log(entry);
}
