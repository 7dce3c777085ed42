import { AsyncLocalStorage } from "node:async_hooks";
import pg from "pg";
import type { Logger } from "pino";
import type { Database, Queryable } from "./database.ts";
import { listenPostgres } from "./postgres-listener.ts";
import { isQueryCanceled, queryBudgetMs, queryDeadlineExceeded } from "./query-deadline.ts";

export interface PostgresOptions {
  connectionString: string;
  /** Upper bound of pooled connections per process. */
  maxConnections: number;
  logger?: Logger;
}

/** The RPC's remaining budget as a statement_timeout, or undefined without a deadline. */
function statementTimeoutMs(): number | undefined {
  const budget = queryBudgetMs();
  if (budget === undefined) return undefined;
  if (budget <= 0) throw queryDeadlineExceeded();
  return Math.ceil(budget);
}

async function run(client: pg.Pool | pg.PoolClient, sql: string, params?: readonly unknown[]): Promise<pg.QueryResult> {
  try {
    return await client.query(params === undefined ? sql : prepared(sql, params));
  } catch (error) {
    // The server cancelled the statement at the caller's deadline.
    if (isQueryCanceled(error) && queryBudgetMs() !== undefined) throw queryDeadlineExceeded(error);
    throw error;
  }
}

/** One statement on a client already inside a transaction: SET LOCAL lasts until its end. */
function transactionQueryable(client: pg.PoolClient): Queryable {
  const bounded = async (sql: string, params?: readonly unknown[]) => {
    const timeout = statementTimeoutMs();
    if (timeout !== undefined) await client.query(`SET LOCAL statement_timeout = ${timeout}`);
    return run(client, sql, params);
  };
  return {
    query: async <Row>(sql: string, params: readonly unknown[] = []) => (await bounded(sql, params)).rows as Row[],
    exec: async (sql: string) => void (await bounded(sql)),
  };
}

/** A PostgreSQL server through node-postgres' pool (pure JS, no native build). */
export async function openPostgresDatabase(options: PostgresOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on("error", (error) => options.logger?.warn({ err: error }, "idle database connection failed"));
  // Fail fast at start-up when the server is unreachable or the credentials are wrong.
  await pool.query("SELECT 1");

  async function transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const open = ambient.getStore();
    if (open) return work(open);
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      const tx = transactionQueryable(client);
      const result = await ambient.run(tx, () => work(tx));
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  // Code that holds only the Database (a repository) joins the transaction it runs in.
  const ambient = new AsyncLocalStorage<Queryable>();
  const pooled: Queryable = {
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      // Without a deadline, a plain pooled query; with one, a one-statement transaction
      // whose statement_timeout is the budget left, so the server cancels it in time.
      if (queryBudgetMs() === undefined) return (await run(pool, sql, params)).rows as Row[];
      return transaction((tx) => tx.query<Row>(sql, params));
    },
    async exec(sql: string) {
      if (queryBudgetMs() === undefined) return void (await run(pool, sql));
      return transaction((tx) => tx.exec(sql));
    },
  };
  return {
    kind: "postgres",
    query: (sql, params) => (ambient.getStore() ?? pooled).query(sql, params),
    exec: (sql) => (ambient.getStore() ?? pooled).exec(sql),
    transaction,
    // The pool's own settings (URL, TLS, credentials) for the listening connection.
    listen: (channel, handlers) => listenPostgres(pool.options, channel, handlers, options.logger),
    poolStats: () => ({ max: options.maxConnections, total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: () => pool.end(),
  };
}

// Statement names by SQL text. A name always stands for the same text, so a
// connection that prepared it can reuse it (node-postgres parses once per
// connection, then only binds and executes: ~80 µs less per GetUserById).
const statementNames = new Map<string, string>();
/** Repositories' SQL is fixed text; past this many distinct texts, queries go unnamed (nothing grows without bound). */
const maxNamedStatements = 200;

/** A named (prepared) query for `sql`; unnamed once `maxNamedStatements` texts have names. */
function prepared(sql: string, params: readonly unknown[]): pg.QueryConfig {
  let name = statementNames.get(sql);
  if (name === undefined && statementNames.size < maxNamedStatements) statementNames.set(sql, (name = `grpc_edge_${statementNames.size + 1}`));
  return { name, text: sql, values: [...params] };
}
