import type { Queryable } from "@grpc-edge/service-kit";

export interface UserRow {
  id: number;
  firstName: string;
  lastName: string;
  email: string;
}

interface Row {
  id: number;
  first_name: string;
  last_name: string;
  email: string;
}

const columns = "id, first_name, last_name, email";

function toUser(row: Row): UserRow {
  return { id: row.id, firstName: row.first_name, lastName: row.last_name, email: row.email };
}

/** SQL for users; the same statements run on PGlite and PostgreSQL. */
export class UserRepository {
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  async byId(id: number): Promise<UserRow | undefined> {
    const rows = await this.#db.query<Row>(`SELECT ${columns} FROM users WHERE id = $1`, [id]);
    return rows[0] && toUser(rows[0]);
  }

  /** The first `limit` users in id order. */
  async list(limit: number): Promise<UserRow[]> {
    const rows = await this.#db.query<Row>(`SELECT ${columns} FROM users ORDER BY id LIMIT $1`, [limit]);
    return rows.map(toUser);
  }
}
