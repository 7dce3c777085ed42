import type { Queryable } from "@grpc-edge/service-kit";
import { eventInsertCte, eventWriterLockCte, ORDER_EVENTS_CHANNEL } from "./order-event-writes.ts";

export type OrderState = "placed" | "cancelled";

/** How many orders a user has, in all and placed. */
export interface OrderCounts {
  total: number;
  placed: number;
}

export interface OrderRow {
  id: number;
  userId: number;
  orderDate: Date;
  amount: number;
  status: OrderState;
  cancelTime: Date | null;
  item: { id: number; name: string };
}

interface JoinedRow {
  id: number;
  user_id: number;
  order_date: Date;
  amount: number;
  status: OrderState;
  cancel_time: Date | null;
  item_id: number;
  item_name: string;
}

const columns = "o.id, o.user_id, o.order_date, o.amount, o.status, o.cancel_time, i.id AS item_id, i.name AS item_name";
const joined = `SELECT ${columns} FROM orders o JOIN items i ON i.id = o.item_id`;

function toOrderRow(row: JoinedRow): OrderRow {
  return {
    id: row.id,
    userId: row.user_id,
    orderDate: row.order_date,
    amount: row.amount,
    status: row.status,
    cancelTime: row.cancel_time,
    item: { id: row.item_id, name: row.item_name },
  };
}

/** SQL for orders; the same statements run on PGlite and PostgreSQL. */
export class OrderRepository {
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  async byId(id: number): Promise<OrderRow | undefined> {
    const rows = await this.#db.query<JoinedRow>(`${joined} WHERE o.id = $1`, [id]);
    return rows[0] && toOrderRow(rows[0]);
  }

  /**
   * The most recent `maxPerUser` orders (0: all) of each of `userIds`, ordered by user then
   * order id, and how many orders each has in all (and placed): one statement.
   */
  async recentByUserIds(userIds: readonly number[], maxPerUser: number): Promise<{ rows: OrderRow[]; counts: Map<number, OrderCounts> }> {
    if (userIds.length === 0) return { rows: [], counts: new Map() };
    const rows = await this.#db.query<JoinedRow & { total: number; placed: number }>(
      `SELECT ${columns}, o.total, o.placed
         FROM (SELECT *, row_number() OVER w AS rank, (count(*) OVER w)::int AS total,
                      (count(*) FILTER (WHERE status = 'placed') OVER w)::int AS placed
                 FROM orders WHERE user_id = ANY($1::int[])
               WINDOW w AS (PARTITION BY user_id ORDER BY id DESC ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)) o
         JOIN items i ON i.id = o.item_id
        WHERE $2::int = 0 OR o.rank <= $2::int
        ORDER BY o.user_id, o.id`,
      [userIds, maxPerUser],
    );
    const counts = new Map<number, OrderCounts>();
    for (const row of rows) counts.set(row.user_id, { total: row.total, placed: row.placed });
    return { rows: rows.map(toOrderRow), counts };
  }

  /** Up to `limit` orders of one user after `afterId`, in id order (on the (user_id, id) index). */
  async listByUser(userId: number, afterId: number, limit: number): Promise<OrderRow[]> {
    const rows = await this.#db.query<JoinedRow>(`${joined} WHERE o.user_id = $1 AND o.id > $2 ORDER BY o.id LIMIT $3`, [userId, afterId, limit]);
    return rows.map(toOrderRow);
  }

  /**
   * Places an order with its "placed" event and a NOTIFY, in one statement (one
   * round trip), if the user has fewer than `maxPlaced` placed orders; undefined when
   * nothing was written (the item does not exist, or the quota is reached). The quota
   * is checked in the same statement, so concurrent creates of one user can pass it
   * together: it may be exceeded by their number, never more.
   */
  async create(order: { userId: number; itemId: number; amount: number }, maxPlaced: number): Promise<OrderRow | undefined> {
    const rows = await this.#db.query<JoinedRow>(
      `WITH ${eventWriterLockCte},
       placed AS (
         INSERT INTO orders (user_id, item_id, amount)
         SELECT $1, id, $3 FROM items
          WHERE id = $2 AND (SELECT count(*) FROM orders WHERE user_id = $1 AND status = 'placed') < $4
         RETURNING *
       ),
       ${eventInsertCte("placed_event", "placed", "placed")}
       SELECT ${columns}, pg_notify('${ORDER_EVENTS_CHANNEL}', o.user_id::text)
       FROM placed o JOIN items i ON i.id = o.item_id`,
      [order.userId, order.itemId, order.amount, maxPlaced],
    );
    return rows[0] && toOrderRow(rows[0]);
  }

  /**
   * Cancels a placed order and returns it; an already cancelled one is returned
   * as it is (its cancel_time unchanged), an unknown one as undefined. Only a real
   * change writes a "cancelled" event (and a NOTIFY), in the same statement.
   */
  async cancel(id: number): Promise<OrderRow | undefined> {
    await this.#db.query(
      `WITH ${eventWriterLockCte},
       cancelled AS (
         UPDATE orders SET status = 'cancelled', cancel_time = now() WHERE id = $1 AND status = 'placed'
         RETURNING *
       ),
       ${eventInsertCte("cancelled_event", "cancelled", "cancelled")}
       SELECT pg_notify('${ORDER_EVENTS_CHANNEL}', user_id::text) FROM cancelled_event`,
      [id],
    );
    return this.byId(id);
  }
}
