import type { Queryable } from "@grpc-edge/service-kit";

export interface OrderRow {
  id: number;
  userId: number;
  orderDate: Date;
  amount: number;
  item: { id: number; name: string };
}

interface JoinedRow {
  id: number;
  user_id: number;
  order_date: Date;
  amount: number;
  item_id: number;
  item_name: string;
}

/** SQL for orders; the same statements run on PGlite and PostgreSQL. */
export class OrderRepository {
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  /** Orders of all `userIds` in one statement, ordered by user then order id. */
  async byUserIds(userIds: readonly number[]): Promise<OrderRow[]> {
    if (userIds.length === 0) return [];
    const rows = await this.#db.query<JoinedRow>(
      `SELECT o.id, o.user_id, o.order_date, o.amount, i.id AS item_id, i.name AS item_name
         FROM orders o JOIN items i ON i.id = o.item_id
        WHERE o.user_id = ANY($1::int[])
        ORDER BY o.user_id, o.id`,
      [userIds],
    );
    return rows.map((row) => ({
      id: row.id,
      userId: row.user_id,
      orderDate: row.order_date,
      amount: row.amount,
      item: { id: row.item_id, name: row.item_name },
    }));
  }
}
