import type { DescMessage } from "@bufbuild/protobuf";
import { Code, ConnectError, type UnaryRequest, type UnaryResponse } from "@connectrpc/connect";

/** An interceptor chain's entry, built once per transport (connect's applyInterceptors). */
export type UnaryFn = <I extends DescMessage, O extends DescMessage>(req: UnaryRequest<I, O>) => Promise<UnaryResponse<I, O>>;

/** For calls with neither a caller signal nor a deadline: interceptors always get one. */
let neverAborted: AbortSignal | undefined;

/**
 * One unary call through the interceptor chain, with what connect's runUnaryCall adds:
 * a signal that aborts when the caller goes away or at the deadline, CANCELED or
 * DEADLINE_EXCEEDED for those, and any other failure as a ConnectError. One controller
 * and one timer, cleared when the call ends (runUnaryCall linked two controllers with
 * listeners: a sixth of the Worker's JS time); not AbortSignal.timeout, whose timer
 * would outlive every call and fire later for nothing (bench/chain-cost.ts: −60 µs per call).
 */
export async function runUnary<I extends DescMessage, O extends DescMessage>(
  next: UnaryFn,
  req: Omit<UnaryRequest<I, O>, "signal">,
  callerSignal: AbortSignal | undefined,
  deadlineMs: number | undefined,
): Promise<UnaryResponse<I, O>> {
  const deadline = deadlineMs === undefined ? undefined : new AbortController();
  const timer = deadline === undefined ? undefined : setTimeout(() => deadline.abort(), Math.max(0, deadlineMs!));
  const signal =
    deadline === undefined
      ? (callerSignal ?? (neverAborted ??= new AbortController().signal))
      : callerSignal === undefined
        ? deadline.signal
        : AbortSignal.any([callerSignal, deadline.signal]);
  try {
    return await next({ ...req, signal } as UnaryRequest<I, O>);
  } catch (err) {
    // fetch() rejects an aborted call with its own AbortError: the signal says why.
    if (callerSignal?.aborted) throw ConnectError.from(callerSignal.reason, Code.Canceled);
    if (deadline?.signal.aborted) throw new ConnectError("the operation timed out", Code.DeadlineExceeded);
    throw ConnectError.from(err);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}
