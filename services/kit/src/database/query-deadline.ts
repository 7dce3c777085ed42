import { AsyncLocalStorage } from "node:async_hooks";
import { Code, ConnectError } from "@connectrpc/connect";

// The deadline (ms since the epoch) of the RPC whose code is running, if it has one.
const current = new AsyncLocalStorage<number>();

/** Runs `fn` with every query it makes bounded by `deadline` (absolute, ms since the epoch). */
export function withQueryDeadline<T>(deadline: number | undefined, fn: () => T): T {
  return deadline === undefined ? fn() : current.run(deadline, fn);
}

/** Runs `fn` with no deadline on its queries (clean-up that must happen even after the deadline). */
export function withoutQueryDeadline<T>(fn: () => T): T {
  return current.exit(fn);
}

/** Milliseconds left for queries of the current RPC; undefined when it has no deadline. */
export function queryBudgetMs(): number | undefined {
  const deadline = current.getStore();
  return deadline === undefined ? undefined : deadline - Date.now();
}

export function queryDeadlineExceeded(cause?: unknown): ConnectError {
  return new ConnectError("deadline exceeded while querying the database", Code.DeadlineExceeded, undefined, undefined, cause);
}

/** PostgreSQL's query_canceled (57014): what statement_timeout raises. */
export function isQueryCanceled(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "57014";
}
