import { createContextKey, type HandlerContext, type Interceptor } from "@connectrpc/connect";
import { withQueryDeadline } from "./query-deadline.ts";

// Interceptors do not see the call's timeout; the request gate does and leaves it here.
const deadlineKey = createContextKey<number | undefined>(undefined, { description: "RPC deadline" });

/** Request-gate step: remembers when this RPC's deadline passes (ms since the epoch). */
export function captureDeadline(ctx: HandlerContext): void {
  const timeoutMs = ctx.timeoutMs();
  if (timeoutMs !== undefined) ctx.values.set(deadlineKey, Date.now() + timeoutMs);
}

/**
 * Server interceptor: every database statement the handler runs is bounded by
 * the caller's remaining budget (see the Database implementations); a statement
 * still running at the deadline is cancelled and the RPC fails DEADLINE_EXCEEDED.
 */
export function queryDeadlineInterceptor(): Interceptor {
  return (next) => (req) => {
    // A stream runs long after its handler started; it bounds each of its reads itself
    // (its own short budget per read), and the call's deadline still aborts ctx.signal.
    if (req.stream) return next(req);
    return withQueryDeadline(req.contextValues.get(deadlineKey), () => next(req));
  };
}
