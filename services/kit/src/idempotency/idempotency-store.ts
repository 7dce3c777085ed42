import { randomUUID } from "node:crypto";
import type { Database, Queryable } from "../database/index.ts";

/** Which record: keys live per caller and per RPC, so nobody can replay another caller's answer. */
export interface KeyScope {
  caller: string;
  rpc: string;
  key: string;
}

export type Claim =
  | { kind: "claimed"; lease: string }
  | { kind: "completed"; requestHash: Uint8Array; response: Uint8Array }
  | { kind: "in-flight"; requestHash: Uint8Array };

interface Row {
  state: "in_flight" | "completed";
  request_sha256: Uint8Array;
  response: Uint8Array | null;
  lease: string | null;
}

const where = "caller = $1 AND rpc = $2 AND key = $3";

/**
 * The idempotency_keys table (created by each service's migration). A record is
 * claimed with a lease before the write and completed in the write's own
 * transaction; a lease whose holder died (crash, lost connection) may be taken
 * over once it has run out, which is safe because completion checks the lease.
 */
export class IdempotencyStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** Claims the key for this request, or reports what an earlier request left. */
  async claim(scope: KeyScope, requestHash: Uint8Array, leaseMs: number): Promise<Claim> {
    const lease = randomUUID();
    const rows = await this.#db.query<Row>(
      `INSERT INTO idempotency_keys (caller, rpc, key, request_sha256, state, lease, lease_until)
       VALUES ($1, $2, $3, $4, 'in_flight', $5, now() + $6 * interval '1 millisecond')
       ON CONFLICT (caller, rpc, key) DO UPDATE SET lease = EXCLUDED.lease, lease_until = EXCLUDED.lease_until
        WHERE idempotency_keys.state = 'in_flight' AND idempotency_keys.lease_until < now()
          AND idempotency_keys.request_sha256 = EXCLUDED.request_sha256
       RETURNING state, request_sha256, response, lease`,
      [scope.caller, scope.rpc, scope.key, requestHash, lease, leaseMs],
    );
    if (rows[0]?.lease === lease) return { kind: "claimed", lease };
    const [row] = await this.#db.query<Row>(`SELECT state, request_sha256, response, lease FROM idempotency_keys WHERE ${where}`, [
      scope.caller,
      scope.rpc,
      scope.key,
    ]);
    // Released between the two statements: the caller may simply claim again.
    if (!row) return this.claim(scope, requestHash, leaseMs);
    if (row.state === "completed") return { kind: "completed", requestHash: row.request_sha256, response: row.response! };
    return { kind: "in-flight", requestHash: row.request_sha256 };
  }

  /** Stores the answer; run it in the write's transaction. False when the lease was lost. */
  async complete(tx: Queryable, scope: KeyScope, lease: string, response: Uint8Array): Promise<boolean> {
    const rows = await tx.query(
      `UPDATE idempotency_keys SET state = 'completed', response = $5, lease = NULL, lease_until = NULL
        WHERE ${where} AND state = 'in_flight' AND lease = $4 RETURNING key`,
      [scope.caller, scope.rpc, scope.key, lease, response],
    );
    return rows.length === 1;
  }

  /** Gives the key back after a failed attempt, so that a retry can succeed. */
  async release(scope: KeyScope, lease: string): Promise<void> {
    await this.#db.query(`DELETE FROM idempotency_keys WHERE ${where} AND state = 'in_flight' AND lease = $4`, [
      scope.caller,
      scope.rpc,
      scope.key,
      lease,
    ]);
  }

  /** Forgets records older than `ttlHours`; returns how many. */
  async deleteOlderThan(ttlHours: number): Promise<number> {
    const rows = await this.#db.query("DELETE FROM idempotency_keys WHERE created_at < now() - $1 * interval '1 hour' RETURNING key", [ttlHours]);
    return rows.length;
  }
}
