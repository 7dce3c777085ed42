import type { DescMethod } from "@bufbuild/protobuf";
import { Code, ConnectError, type Interceptor, type UnaryRequest } from "@connectrpc/connect";
import { IDEMPOTENCY_KEY_HEADER } from "@grpc-edge/proto/shared-names";
import type { RetryBudget } from "./retry-budget.ts";

export interface RetryOptions {
  /** Reads, and anything else safe to repeat without a key (a GET binding: see readOnlyMethods). */
  isIdempotent(method: DescMethod): boolean;
  /** Shared by every call of the isolate. */
  budget: RetryBudget;
  /** Attempts in all, the first included (default 3). */
  maxAttempts?: number;
  /** Backoff before retry n is uniform in [0, min(maxDelayMs, baseDelayMs × 2^(n−1))) — "full jitter". */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A retry is not started with less than this left of the deadline (default 20 ms). */
  minAttemptMs?: number;
  random?: () => number;
  now?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Observes each retry, e.g. to count them. */
  onRetry?: (event: { method: DescMethod; attempt: number; delayMs: number; error: ConnectError }) => void;
}

const timeoutHeader = "connect-timeout-ms";

/**
 * Retries a unary call that failed UNAVAILABLE — the service was not reached, or
 * said it could not serve — when repeating it is safe: a read, or a write carrying
 * an Idempotency-Key (the service replays the first answer). At most `maxAttempts`,
 * each retry paid for from the isolate's RetryBudget, with exponential backoff and
 * full jitter, and all inside the call's own deadline: no sleep runs past it, and
 * each attempt is sent the time that is really left.
 */
export function retryInterceptor(options: RetryOptions): Interceptor {
  const {
    isIdempotent,
    budget,
    maxAttempts = 3,
    baseDelayMs = 50,
    maxDelayMs = 1000,
    minAttemptMs = 20,
    random = Math.random,
    now = Date.now,
    sleep = abortableSleep,
    onRetry,
  } = options;
  return (next) => async (req) => {
    budget.deposit();
    if (req.stream || !(isIdempotent(req.method) || req.header.has(IDEMPOTENCY_KEY_HEADER))) return next(req);
    const timeout = Number(req.header.get(timeoutHeader) ?? Number.NaN);
    const deadline = Number.isFinite(timeout) ? now() + timeout : Number.POSITIVE_INFINITY;
    for (let attempt = 1; ; attempt++) {
      try {
        return await next(req);
      } catch (err) {
        const error = ConnectError.from(err);
        if (error.code !== Code.Unavailable || attempt >= maxAttempts || req.signal.aborted) throw err;
        const delayMs = Math.floor(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)));
        if (now() + delayMs + minAttemptMs > deadline || !budget.tryWithdraw()) throw err;
        onRetry?.({ method: req.method, attempt, delayMs, error });
        await sleep(delayMs, req.signal);
        setRemaining(req, deadline - now());
      }
    }
  };
}

function setRemaining(req: UnaryRequest, remainingMs: number): void {
  if (Number.isFinite(remainingMs)) req.header.set(timeoutHeader, String(Math.max(1, Math.floor(remainingMs))));
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
