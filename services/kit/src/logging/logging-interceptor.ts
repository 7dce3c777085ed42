import { Code, type Interceptor } from "@connectrpc/connect";
import { callerKey, type Caller } from "../auth/caller.ts";
import type { Logger } from "pino";
import { rpcCodeName, rpcCodeOf } from "../tracing/rpc-code.ts";
import { observeStreamEnd } from "../server/observe-stream-end.ts";
import { traceLogFields } from "../tracing/trace-context.ts";

/**
 * Server interceptor: one log line per RPC (a stream's when it ends) with the request id, trace and span id,
 * method, outcome code and duration, and who acted (audit: the verified `sub`, her
 * token's `jti`, the access rules' decision; never a token, never an email). Internal errors are logged with their cause,
 * which never reaches the caller (connect sends only the code and message).
 * Runs inside the tracing interceptor, which sets the call's trace context.
 */
export function loggingInterceptor(logger: Logger): Interceptor {
  return (next) => async (req) => {
    const started = performance.now();
    const requestId = req.header.get("x-request-id") ?? undefined;
    const rpc = `${req.service.typeName}/${req.method.name}`;
    const trace = traceLogFields(req.contextValues);
    const log = (error: unknown) => {
      const code = error === undefined ? undefined : rpcCodeOf(error);
      const fields = { rpc, requestId, ...trace, ...audit(req.contextValues.get(callerKey)), code: rpcCodeName(code), durationMs: elapsed(started) };
      if (code === Code.Internal || code === Code.Unknown) {
        logger.error({ ...fields, err: error }, "rpc failed");
      } else {
        logger.info(fields, "rpc");
      }
    };
    let res;
    try {
      res = await next(req);
    } catch (error) {
      log(error);
      throw error;
    }
    // A stream's handler has only started: its line is written when it ends, with its outcome.
    if (res.stream) return observeStreamEnd(res, req.signal, log);
    log(undefined);
    return res;
  };
}

/** Who acted, for the audit trail; "none" when no access rule ran (items, health). */
function audit(caller: Caller | undefined): { sub?: string; jti?: string; authz: string; trustedPeer?: string } {
  if (caller === undefined) return { authz: "none" };
  return {
    sub: caller.userId === undefined ? undefined : String(caller.userId),
    jti: caller.userTokenId,
    authz: caller.authz.decision ?? "none",
    // A call let in by TRUSTED_CALLERS (no token): from where.
    trustedPeer: caller.trustedPeer,
  };
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}
