import type { Queryable } from "@grpc-edge/service-kit";
import { eventInsertCte, eventWriterLockCte, ORDER_EVENTS_CHANNEL } from "./order-event-writes.ts";

export type OrderState = "placed" | "cancelled";

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

  /** Orders of all `userIds` in one statement, ordered by user then order id. */
  async byUserIds(userIds: readonly number[]): Promise<OrderRow[]> {
    if (userIds.length === 0) return [];
    const rows = await this.#db.query<JoinedRow>(`${joined} WHERE o.user_id = ANY($1::int[]) ORDER BY o.user_id, o.id`, [userIds]);
    return rows.map(toOrderRow);
  }

  /** Up to `limit` orders of one user after `afterId`, in id order (on the (user_id, id) index). */
  async listByUser(userId: number, afterId: number, limit: number): Promise<OrderRow[]> {
    const rows = await this.#db.query<JoinedRow>(`${joined} WHERE o.user_id = $1 AND o.id > $2 ORDER BY o.id LIMIT $3`, [userId, afterId, limit]);
    return rows.map(toOrderRow);
  }

  /**
   * Places an order with its "placed" event and a NOTIFY, in one statement (one
   * round trip); undefined when the item does not exist (nothing is written then).
   */
  async create(order: { userId: number; itemId: number; amount: number }): Promise<OrderRow | undefined> {
    const rows = await this.#db.query<JoinedRow>(
      `WITH ${eventWriterLockCte},
       placed AS (
         INSERT INTO orders (user_id, item_id, amount)
         SELECT $1, id, $3 FROM items WHERE id = $2
         RETURNING *
       ),
       ${eventInsertCte("placed_event", "placed", "placed")}
       SELECT ${columns}, pg_notify('${ORDER_EVENTS_CHANNEL}', o.user_id::text)
       FROM placed o JOIN items i ON i.id = o.item_id`,
      [order.userId, order.itemId, order.amount],
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
