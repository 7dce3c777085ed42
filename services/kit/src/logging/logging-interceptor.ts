import { Code, type Interceptor } from "@connectrpc/connect";
import type { Logger } from "pino";
import { rpcCodeName, rpcCodeOf } from "../tracing/rpc-code.ts";
import { traceLogFields } from "../tracing/trace-context.ts";

/**
 * Server interceptor: one log line per RPC with the request id, trace and span id,
 * method, outcome code and duration. Internal errors are logged with their cause,
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
      logger.info({ rpc, requestId, ...trace, code: rpcCodeName(undefined), durationMs: elapsed(started) }, "rpc");
      return res;
    } catch (error) {
      const code = rpcCodeOf(error);
      const fields = { rpc, requestId, ...trace, code: rpcCodeName(code), durationMs: elapsed(started) };
      if (code === Code.Internal || code === Code.Unknown) {
        logger.error({ ...fields, err: error }, "rpc failed");
      } else {
        logger.info(fields, "rpc");
      }
      throw error;
    }
  };
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}
