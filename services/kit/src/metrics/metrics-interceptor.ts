import type { Interceptor, StreamResponse, UnaryResponse } from "@connectrpc/connect";
import { observeStreamEnd } from "../server/observe-stream-end.ts";
import { isServerFault, rpcCodeName, rpcCodeOf } from "../tracing/rpc-code.ts";
import type { ServiceMetrics } from "./create-service-metrics.ts";

/**
 * Server interceptor: counts every unary RPC by outcome, times it and tracks how many
 * are in flight. Streams are counted by outcome when they end, and not timed: their
 * length is not latency (and an open stream is not an RPC in flight).
 */
export function metricsInterceptor(metrics: ServiceMetrics): Interceptor {
  return (next) => async (req) => {
    const rpc = `${req.service.typeName}/${req.method.name}`;
    if (req.stream) return countStream(metrics, rpc, req.signal, next(req));
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

async function countStream(metrics: ServiceMetrics, rpc: string, signal: AbortSignal, started: Promise<UnaryResponse | StreamResponse>) {
  const count = (error: unknown) => {
    const code = error === undefined ? undefined : rpcCodeOf(error);
    metrics.requests.inc({ rpc, code: rpcCodeName(code) });
    if (isServerFault(code)) metrics.errors.inc({ rpc, code: rpcCodeName(code) });
  };
  let res;
  try {
    res = await started;
  } catch (error) {
    count(error);
    throw error;
  }
  return res.stream ? observeStreamEnd(res, signal, count) : res;
}
