import { ConnectError, Code, type Interceptor } from "@connectrpc/connect";
import type { Logger } from "pino";

/**
 * Server interceptor: one log line per RPC with the request id, method, outcome
 * code and duration. Internal errors are logged with their cause, which never
 * reaches the caller (connect sends only the code and message).
 */
export function loggingInterceptor(logger: Logger): Interceptor {
  return (next) => async (req) => {
    const started = performance.now();
    const requestId = req.header.get("x-request-id") ?? undefined;
    const rpc = `${req.service.typeName}/${req.method.name}`;
    try {
      const res = await next(req);
      logger.info({ rpc, requestId, code: "ok", durationMs: elapsed(started) }, "rpc");
      return res;
    } catch (error) {
      const connectError = ConnectError.from(error);
      const fields = { rpc, requestId, code: Code[connectError.code], durationMs: elapsed(started) };
      if (connectError.code === Code.Internal || connectError.code === Code.Unknown) {
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
