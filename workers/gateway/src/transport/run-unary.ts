import type { DescMessage } from "@bufbuild/protobuf";
import { Code, ConnectError, type UnaryRequest, type UnaryResponse } from "@connectrpc/connect";

/** An interceptor chain's entry, built once per transport (connect's applyInterceptors). */
export type UnaryFn = <I extends DescMessage, O extends DescMessage>(req: UnaryRequest<I, O>) => Promise<UnaryResponse<I, O>>;

/** For calls with neither a caller signal nor a deadline: interceptors always get one. */
let neverAborted: AbortSignal | undefined;

/**
 * One unary call through the interceptor chain, with what connect's runUnaryCall adds:
 * a signal that aborts when the caller goes away or at the deadline, CANCELED or
 * DEADLINE_EXCEEDED for those, and any other failure as a ConnectError. The signal is
 * the runtime's own AbortSignal.timeout/any: runUnaryCall's two linked controllers, JS
 * timer and listeners were a sixth of the Worker's JS time per request.
 */
export async function runUnary<I extends DescMessage, O extends DescMessage>(
  next: UnaryFn,
  req: Omit<UnaryRequest<I, O>, "signal">,
  callerSignal: AbortSignal | undefined,
  deadlineMs: number | undefined,
): Promise<UnaryResponse<I, O>> {
  const deadline = deadlineMs === undefined ? undefined : AbortSignal.timeout(Math.max(0, deadlineMs));
  const signal =
    deadline === undefined
      ? (callerSignal ?? (neverAborted ??= new AbortController().signal))
      : callerSignal === undefined
        ? deadline
        : AbortSignal.any([callerSignal, deadline]);
  try {
    return await next({ ...req, signal } as UnaryRequest<I, O>);
  } catch (err) {
    // fetch() rejects an aborted call with its own AbortError: the signal says why.
    if (callerSignal?.aborted) throw ConnectError.from(callerSignal.reason, Code.Canceled);
    if (deadline?.aborted) throw new ConnectError("the operation timed out", Code.DeadlineExceeded);
    throw ConnectError.from(err);
  }
}
