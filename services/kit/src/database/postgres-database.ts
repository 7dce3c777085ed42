import { AsyncLocalStorage } from "node:async_hooks";
import pg from "pg";
import type { Logger } from "pino";
import type { Database, Queryable } from "./database.ts";
import type { PostgresConnection } from "./postgres-connection.ts";
import { listenPostgres } from "./postgres-listener.ts";
import { isQueryCanceled, queryBudgetMs, queryDeadlineExceeded } from "./query-deadline.ts";

export interface PostgresOptions {
  /** A server URL as node-postgres reads it (tests, tools), or the services' parsed settings. */
  connectionString?: string;
  connection?: PostgresConnection;
  /** Upper bound of pooled connections per process. */
  maxConnections: number;
  logger?: Logger;
  /** Check the server answers before resolving (default true); false: connect on first use. */
  connectNow?: boolean;
}

/** SQLSTATE invalid_password: the login was refused, e.g. the password rotated. */
function isLoginRefused(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "28P01";
}

/**
 * Runs one statement on `client`, bounded by the RPC's remaining budget: when the
 * deadline comes first, the server is told to cancel it (`pg_cancel_backend` from a
 * connection of its own) and the call fails DEADLINE_EXCEEDED. No transaction or
 * `SET statement_timeout` round trips per statement: a timer is all it costs.
 * `tainted` is set once a cancel was sent, so the client is not reused (the cancel
 * might still land on its next statement).
 */
async function run(client: pg.PoolClient, canceller: Canceller, sql: string, params: readonly unknown[] | undefined, tainted: { value: boolean }): Promise<pg.QueryResult> {
  const budget = queryBudgetMs();
  if (budget !== undefined && budget <= 0) throw queryDeadlineExceeded();
  let cancelled = false;
  const timer =
    budget === undefined
      ? undefined
      : setTimeout(() => {
          cancelled = tainted.value = true;
          canceller.cancel(client);
        }, Math.ceil(budget));
  try {
    return await client.query(params === undefined ? sql : prepared(sql, params));
  } catch (error) {
    if (cancelled && isQueryCanceled(error)) throw queryDeadlineExceeded(error);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Sends cancel requests for statements past their deadline, over one connection of its own. */
interface Canceller {
  cancel(client: pg.PoolClient): void;
  close(): Promise<void>;
}

function canceller(config: pg.ClientConfig, logger: Logger | undefined): Canceller {
  let connection: Promise<pg.Client> | undefined;
  const connect = () => {
    const client = new pg.Client(config);
    // A broken cancel connection is replaced at the next cancel.
    client.on("error", () => (connection = undefined));
    return client.connect().then(() => client);
  };
  return {
    cancel(target) {
      const pid = (target as unknown as { processID: number | null }).processID;
      if (pid === null) return;
      (connection ??= connect())
        .then((c) => c.query("SELECT pg_cancel_backend($1)", [pid]))
        .catch((error: unknown) => {
          connection = undefined;
          logger?.warn({ err: error }, "could not cancel a statement past its deadline");
        });
    },
    async close() {
      const open = connection;
      connection = undefined;
      await open?.then((c) => c.end()).catch(() => {});
    },
  };
}

/** Longest any statement may run, deadline or not: the server-side backstop (ms). */
const STATEMENT_TIMEOUT_BACKSTOP_MS = 120_000;

/** A PostgreSQL server through node-postgres' pool (pure JS, no native build). */
export async function openPostgresDatabase(options: PostgresOptions): Promise<Database> {
  const { connection } = options;
  const config: pg.ClientConfig = {
    ...(connection
      ? {
          host: connection.host,
          port: connection.port,
          database: connection.database,
          user: connection.user,
          // Asked for each new connection, so a re-read password reaches the next login.
          password: async () => (await connection.password.current()) ?? "",
          ssl: connection.ssl,
        }
      : { connectionString: options.connectionString }),
    statement_timeout: STATEMENT_TIMEOUT_BACKSTOP_MS,
  };
  const pool = new pg.Pool({ ...config, max: options.maxConnections, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 30_000 });
  const cancels = canceller(config, options.logger);
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on("error", (error) => options.logger?.warn({ err: error }, "idle database connection failed"));

  /**
   * Runs `fn` (which may open a pooled connection) once more after the server refused
   * the login, when the password source may have a new password by now: a rotation
   * costs the call that meets it nothing but one failed login.
   */
  async function afterLoginRefused<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (!isLoginRefused(error) || !connection?.password.refresh()) throw error;
      options.logger?.warn({ user: connection.user, code: "28P01" }, "database login refused: password re-read, logging in again");
      return fn();
    }
  }
  // Fail fast when asked to: the server unreachable or the credentials wrong.
  if (options.connectNow ?? true) await afterLoginRefused(() => pool.query("SELECT 1"));

  /** `work` on one pooled client; a client that had a statement cancelled is closed, not reused. */
  async function withClient<T>(work: (client: pg.PoolClient, tainted: { value: boolean }) => Promise<T>): Promise<T> {
    if ((queryBudgetMs() ?? 1) <= 0) throw queryDeadlineExceeded();
    const client = await afterLoginRefused(() => pool.connect());
    const tainted = { value: false };
    try {
      return await work(client, tainted);
    } finally {
      client.release(tainted.value);
    }
  }

  function clientQueryable(client: pg.PoolClient, tainted: { value: boolean }): Queryable {
    return {
      query: async <Row>(sql: string, params: readonly unknown[] = []) => (await run(client, cancels, sql, params, tainted)).rows as Row[],
      exec: async (sql: string) => void (await run(client, cancels, sql, undefined, tainted)),
    };
  }

  async function transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const open = ambient.getStore();
    if (open) return work(open);
    return withClient(async (client, tainted) => {
      try {
        await client.query("BEGIN");
        const tx = clientQueryable(client, tainted);
        const result = await ambient.run(tx, () => work(tx));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw error;
      }
    });
  }

  // Code that holds only the Database (a repository) joins the transaction it runs in.
  const ambient = new AsyncLocalStorage<Queryable>();
  const pooled: Queryable = {
    query: <Row>(sql: string, params: readonly unknown[] = []) => withClient((client, tainted) => clientQueryable(client, tainted).query<Row>(sql, params)),
    exec: (sql: string) => withClient((client, tainted) => clientQueryable(client, tainted).exec(sql)),
  };
  return {
    kind: "postgres",
    query: (sql, params) => (ambient.getStore() ?? pooled).query(sql, params),
    exec: (sql) => (ambient.getStore() ?? pooled).exec(sql),
    transaction,
    // The pool's own settings (URL, TLS, credentials) for the listening connection.
    listen: (channel, handlers) => listenPostgres(pool.options, channel, handlers, options.logger),
    poolStats: () => ({ max: options.maxConnections, total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: async () => {
      await cancels.close();
      await pool.end();
    },
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
