import type { Logger } from "pino";
import type { IdempotencyStore } from "./idempotency-store.ts";

const EVERY_MS = 60 * 60 * 1000;

/** Deletes idempotency records older than `ttlHours` now and then every hour; returns the stopper. */
export function startIdempotencyCleanup(store: IdempotencyStore, ttlHours: number, logger: Logger): () => void {
  const sweep = () =>
    store.deleteOlderThan(ttlHours).then(
      (deleted) => deleted > 0 && logger.info({ deleted, ttlHours }, "idempotency keys expired"),
      (error: unknown) => logger.warn({ err: error }, "idempotency key cleanup failed"),
    );
  void sweep();
  // unref: the timer alone never keeps the process alive.
  const timer = setInterval(sweep, EVERY_MS).unref();
  return () => clearInterval(timer);
}
