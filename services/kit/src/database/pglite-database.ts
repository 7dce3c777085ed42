import { AsyncLocalStorage } from "node:async_hooks";
import type { Database, Queryable } from "./database.ts";
import { queryBudgetMs, queryDeadlineExceeded } from "./query-deadline.ts";

interface PGliteLike {
  query<Row>(sql: string, params?: unknown[]): Promise<{ rows: Row[] }>;
  exec(sql: string): Promise<unknown>;
}

/**
 * PGlite runs statements synchronously in this thread, so statement_timeout never
 * fires: a deadline is checked before each statement instead, and a statement that
 * has started runs to its end.
 */
function checkBudget(): void {
  const budget = queryBudgetMs();
  if (budget !== undefined && budget <= 0) throw queryDeadlineExceeded();
}

function queryable(db: PGliteLike): Queryable {
  return {
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      checkBudget();
      return (await db.query<Row>(sql, [...params])).rows;
    },
    async exec(sql: string) {
      checkBudget();
      await db.exec(sql);
    },
  };
}

/**
 * Postgres compiled to WASM, in-process. `dataDir` keeps the data across
 * restarts; without it the database lives in memory (tests). Imported only
 * here, so a service on PostgreSQL never loads it.
 */
export async function openPGliteDatabase(dataDir?: string): Promise<Database> {
  const { PGlite } = await import("@electric-sql/pglite");
  const pglite = await PGlite.create(dataDir);
  const base = queryable(pglite);
  // Inside `transaction(work)`, queries made through this Database (by code that
  // only holds the Database, e.g. a repository) join the transaction: PGlite has
  // one connection, and a query outside the open transaction would wait for it forever.
  const ambient = new AsyncLocalStorage<Queryable>();
  const active = () => ambient.getStore() ?? base;
  return {
    kind: "pglite",
    query: (sql, params) => active().query(sql, params),
    exec: (sql) => active().exec(sql),
    transaction(work) {
      const open = ambient.getStore();
      if (open) return work(open);
      return pglite.transaction((tx) => {
        const q = queryable(tx);
        return ambient.run(q, () => work(q));
      });
    },
    // In-process: notifications arrive as the notifying statement commits; never lost.
    async listen(channel, handlers) {
      const unlisten = await pglite.listen(channel, handlers.onNotify);
      return () => unlisten();
    },
    // One in-process connection whose use is not tracked: reported as always there, never queued on.
    poolStats: () => ({ max: 1, total: 1, idle: 1, waiting: 0 }),
    close: () => pglite.close(),
  };
}
