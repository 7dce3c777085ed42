import type { Queryable } from "@grpc-edge/service-kit";
import type { OrderRow, OrderState } from "./order-repository.ts";

export interface OrderEventRow {
  /** bigint ids come back from the driver as decimal strings; kept exact as bigint. */
  id: bigint;
  type: OrderState;
  time: Date;
  /** The order as of this event: status and cancel_time follow the event's type. */
  order: OrderRow;
}

export interface OrderEventBatch {
  events: OrderEventRow[];
  /** Events with ids up to this one may have been deleted by the retention cleanup. */
  prunedThrough: bigint;
}

interface EventJoinedRow {
  pruned_through: string;
  event_id: string | null;
  type: OrderState;
  created_at: Date;
  id: number;
  user_id: number;
  order_date: Date;
  amount: number;
  cancel_time: Date | null;
  item_id: number;
  item_name: string;
}

/** Reads and prunes order events (written by OrderRepository's changes). */
export class OrderEventRepository {
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  /**
   * Up to `limit` events of one user after `afterId`, in id order, and the
   * retention watermark, from one snapshot (one statement): a batch is never
   * torn by a concurrent cleanup. Without events, one row carries the watermark.
   */
  async after(userId: number, afterId: bigint, limit: number): Promise<OrderEventBatch> {
    const rows = await this.#db.query<EventJoinedRow>(
      `SELECT w.pruned_through::text AS pruned_through, e.id::text AS event_id, e.type, e.created_at,
              o.id, o.user_id, o.order_date, o.amount, o.cancel_time, i.id AS item_id, i.name AS item_name
       FROM order_events_watermark w
       LEFT JOIN LATERAL (
         SELECT * FROM order_events WHERE user_id = $1 AND id > $2::bigint ORDER BY id LIMIT $3
       ) e ON true
       LEFT JOIN orders o ON o.id = e.order_id
       LEFT JOIN items i ON i.id = o.item_id
       ORDER BY e.id`,
      [userId, afterId.toString(), limit],
    );
    const prunedThrough = BigInt(rows[0]?.pruned_through ?? "0");
    const events = rows.filter((r) => r.event_id !== null).map(toEventRow);
    return { events, prunedThrough };
  }

  /** The newest event id (0 without events): where a stream "from now" starts. */
  async latestId(): Promise<bigint> {
    const rows = await this.#db.query<{ latest: string }>(
      "SELECT GREATEST(COALESCE((SELECT max(id) FROM order_events), 0), (SELECT pruned_through FROM order_events_watermark))::text AS latest",
    );
    return BigInt(rows[0]?.latest ?? "0");
  }

  /**
   * Deletes the events older than `retentionHours` — as a prefix of ids, up to the
   * newest old one — and raises the watermark to it; returns how many went.
   */
  async prune(retentionHours: number): Promise<number> {
    const rows = await this.#db.query<{ deleted: number }>(
      `WITH cutoff AS (
         SELECT max(id) AS id FROM order_events WHERE created_at < now() - make_interval(hours => $1)
       ),
       gone AS (
         DELETE FROM order_events WHERE id <= (SELECT id FROM cutoff) RETURNING id
       ),
       raised AS (
         UPDATE order_events_watermark SET pruned_through = (SELECT id FROM cutoff)
         WHERE (SELECT id FROM cutoff) > pruned_through
       )
       SELECT count(*)::int AS deleted FROM gone`,
      [retentionHours],
    );
    return rows[0]?.deleted ?? 0;
  }
}

function toEventRow(row: EventJoinedRow): OrderEventRow {
  const cancelled = row.type === "cancelled";
  return {
    id: BigInt(row.event_id!),
    type: row.type,
    time: row.created_at,
    order: {
      id: row.id,
      userId: row.user_id,
      orderDate: row.order_date,
      amount: row.amount,
      status: row.type,
      cancelTime: cancelled ? row.cancel_time : null,
      item: { id: row.item_id, name: row.item_name },
    },
  };
}
