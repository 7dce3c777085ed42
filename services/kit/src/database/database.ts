import type { NotificationHandlers, StopListening } from "./database-listener.ts";

/** What repositories need from a database: parameterised queries. */
export interface Queryable {
  /** Runs one statement with `$1…$n` parameters and returns its rows. */
  query<Row>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs a script of several statements without parameters (migrations, seeds). */
  exec(sql: string): Promise<void>;
}

/**
 * The same SQL runs on both implementations: embedded PGlite (default, data in
 * a local folder) and a PostgreSQL server through a connection pool.
 */
export interface Database extends Queryable {
  readonly kind: "pglite" | "postgres";
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * LISTENs on `channel` without taking a pooled connection (PostgreSQL: one
   * dedicated, reconnecting connection per call; PGlite: in-process). Call once
   * per process and fan out from there.
   */
  listen(channel: string, handlers: NotificationHandlers): Promise<StopListening>;
  /** Connection pool usage, read at each metrics scrape. */
  poolStats(): PoolStats;
  close(): Promise<void>;
}

export interface PoolStats {
  /** Most connections the pool may open. */
  max: number;
  /** Connections open now, idle or in use. */
  total: number;
  idle: number;
  /** Queries waiting for a free connection (a full pool). */
  waiting: number;
}
