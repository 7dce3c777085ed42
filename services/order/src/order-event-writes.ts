/**
 * SQL pieces that make an order change write its event in the same statement.
 *
 * Why a lock: an identity/sequence hands out ids in call order, not commit order.
 * Writer A draws id 5, writer B draws id 6 and commits first; a stream reading
 * "events after 4" sees 6, moves its cursor to 6, and never sees 5 once A commits.
 * Every event writer therefore takes this transaction-scoped advisory lock before
 * its id is drawn and holds it until commit: ids are handed out one committed
 * writer after another, so whatever a reader sees is a gap-free prefix.
 */

/** NOTIFY channel; the payload is the user id whose events changed. */
export const ORDER_EVENTS_CHANNEL = "order_events";

// An arbitrary constant naming "the order-event writer" among advisory locks.
const ORDER_EVENT_WRITER_LOCK = 7_242_050_101;

/** A CTE taking the writer lock; the event INSERT joins it, so the lock comes before its id. */
export const eventWriterLockCte = `writer_lock AS (SELECT pg_advisory_xact_lock(${ORDER_EVENT_WRITER_LOCK}))`;

/** A CTE inserting one event per row of `source` (an orders CTE), after the writer lock. */
export function eventInsertCte(name: string, source: string, type: "placed" | "cancelled"): string {
  return `${name} AS (
    INSERT INTO order_events (user_id, order_id, type)
    SELECT s.user_id, s.id, '${type}' FROM ${source} s CROSS JOIN writer_lock
    RETURNING user_id
  )`;
}
