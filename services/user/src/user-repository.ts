import type { Queryable } from "@grpc-edge/service-kit";

export interface UserRow {
  id: number;
  firstName: string;
  lastName: string;
  email: string;
}

/** The fields a PATCH may set; undefined ones keep their value. */
export interface UserChanges {
  firstName?: string | undefined;
  lastName?: string | undefined;
  email?: string | undefined;
}

interface Row {
  id: number;
  first_name: string;
  last_name: string;
  email: string;
}

const columns = "id, first_name, last_name, email";

/** The unique index behind "one account per address, whatever its capitalisation". */
export const EMAIL_CONSTRAINT = "users_email_key";

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

  /** Up to `limit` users after `afterId`, in id order (keyset pagination on the primary key). */
  async list(afterId: number, limit: number): Promise<UserRow[]> {
    const rows = await this.#db.query<Row>(`SELECT ${columns} FROM users WHERE id > $1 ORDER BY id LIMIT $2`, [afterId, limit]);
    return rows.map(toUser);
  }

  /** Throws a unique violation on EMAIL_CONSTRAINT when the address is taken. */
  async create(user: Omit<UserRow, "id">): Promise<UserRow> {
    const rows = await this.#db.query<Row>(`INSERT INTO users (first_name, last_name, email) VALUES ($1, $2, $3) RETURNING ${columns}`, [
      user.firstName,
      user.lastName,
      user.email,
    ]);
    return toUser(rows[0]!);
  }

  /** Sets the given fields only; undefined when the user does not exist. Unique violation as for `create`. */
  async update(id: number, changes: UserChanges): Promise<UserRow | undefined> {
    const rows = await this.#db.query<Row>(
      `UPDATE users
          SET first_name = COALESCE($2, first_name), last_name = COALESCE($3, last_name), email = COALESCE($4, email)
        WHERE id = $1
        RETURNING ${columns}`,
      [id, changes.firstName ?? null, changes.lastName ?? null, changes.email ?? null],
    );
    return rows[0] && toUser(rows[0]);
  }

  /** Whether a user was deleted. */
  async delete(id: number): Promise<boolean> {
    const rows = await this.#db.query("DELETE FROM users WHERE id = $1 RETURNING id", [id]);
    return rows.length > 0;
  }
}
