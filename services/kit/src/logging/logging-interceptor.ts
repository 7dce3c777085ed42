import { Code, type Interceptor } from "@connectrpc/connect";
import { callerKey, type Caller } from "../auth/caller.ts";
import type { Logger } from "pino";
import { rpcCodeName, rpcCodeOf } from "../tracing/rpc-code.ts";
import { traceLogFields } from "../tracing/trace-context.ts";

/**
 * Server interceptor: one log line per RPC with the request id, trace and span id,
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
    try {
      const res = await next(req);
      logger.info({ rpc, requestId, ...trace, ...audit(req.contextValues.get(callerKey)), code: rpcCodeName(undefined), durationMs: elapsed(started) }, "rpc");
      return res;
    } catch (error) {
      const code = rpcCodeOf(error);
      const fields = { rpc, requestId, ...trace, ...audit(req.contextValues.get(callerKey)), code: rpcCodeName(code), durationMs: elapsed(started) };
      if (code === Code.Internal || code === Code.Unknown) {
        logger.error({ ...fields, err: error }, "rpc failed");
      } else {
        logger.info(fields, "rpc");
      }
      throw error;
    }
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
