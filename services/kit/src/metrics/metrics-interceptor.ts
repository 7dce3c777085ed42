import type { Interceptor } from "@connectrpc/connect";
import { isServerFault, rpcCodeName, rpcCodeOf } from "../tracing/rpc-code.ts";
import type { ServiceMetrics } from "./create-service-metrics.ts";

/**
 * Server interceptor: counts every unary RPC by outcome, times it and tracks how many
 * are in flight. Streams (health Watch) are left out: their length is not latency.
 */
export function metricsInterceptor(metrics: ServiceMetrics): Interceptor {
  return (next) => async (req) => {
    if (req.stream) return next(req);
    const rpc = `${req.service.typeName}/${req.method.name}`;
    const stopTimer = metrics.duration.startTimer({ rpc });
    metrics.inFlight.inc({ rpc });
    let code;
    try {
      return await next(req);
    } catch (error) {
      code = rpcCodeOf(error);
      throw error;
    } finally {
      stopTimer();
      metrics.inFlight.dec({ rpc });
      metrics.requests.inc({ rpc, code: rpcCodeName(code) });
      if (isServerFault(code)) metrics.errors.inc({ rpc, code: rpcCodeName(code) });
    }
  };
}
