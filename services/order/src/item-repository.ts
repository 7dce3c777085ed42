import type { Queryable } from "@grpc-edge/service-kit";

export interface ItemRow {
  id: number;
  name: string;
}

/** SQL for items; the same statements run on PGlite and PostgreSQL. */
export class ItemRepository {
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  async byId(id: number): Promise<ItemRow | undefined> {
    const rows = await this.#db.query<ItemRow>("SELECT id, name FROM items WHERE id = $1", [id]);
    return rows[0];
  }

  /** Up to `limit` items after `afterId`, in id order (keyset pagination on the primary key). */
  async list(afterId: number, limit: number): Promise<ItemRow[]> {
    return this.#db.query<ItemRow>("SELECT id, name FROM items WHERE id > $1 ORDER BY id LIMIT $2", [afterId, limit]);
  }
}
