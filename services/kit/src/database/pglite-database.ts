import { PGlite } from "@electric-sql/pglite";
import type { Database, Queryable } from "./database.ts";

interface PGliteLike {
  query<Row>(sql: string, params?: unknown[]): Promise<{ rows: Row[] }>;
  exec(sql: string): Promise<unknown>;
}

function queryable(db: PGliteLike): Queryable {
  return {
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      return (await db.query<Row>(sql, [...params])).rows;
    },
    async exec(sql: string) {
      await db.exec(sql);
    },
  };
}

/**
 * Postgres compiled to WASM, in-process. `dataDir` keeps the data across
 * restarts; without it the database lives in memory (tests).
 */
export async function openPGliteDatabase(dataDir?: string): Promise<Database> {
  const pglite = await PGlite.create(dataDir);
  return {
    kind: "pglite",
    ...queryable(pglite),
    transaction: (work) => pglite.transaction((tx) => work(queryable(tx))),
    // One in-process connection whose use is not tracked: reported as always there, never queued on.
    poolStats: () => ({ max: 1, total: 1, idle: 1, waiting: 0 }),
    close: () => pglite.close(),
  };
}
