import type { Logger } from "@grpc-edge/service-kit";
import type { OrderEventRepository } from "./order-event-repository.ts";

const EVERY_MS = 10 * 60 * 1000;

/** Deletes order events older than `retentionHours` now and every 10 minutes; returns the stopper. */
export function startOrderEventCleanup(events: OrderEventRepository, retentionHours: number, logger: Logger): () => void {
  const sweep = () =>
    events.prune(retentionHours).then(
      (deleted) => deleted > 0 && logger.info({ deleted, retentionHours }, "order events expired"),
      (error: unknown) => logger.warn({ err: error }, "order event cleanup failed"),
    );
  void sweep();
  // unref: the timer alone never keeps the process alive.
  const timer = setInterval(sweep, EVERY_MS).unref();
  return () => clearInterval(timer);
}
