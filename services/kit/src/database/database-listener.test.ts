import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPostgresCluster, type PostgresCluster } from "../../testing/index.ts";
import type { Database } from "./database.ts";
import { openPGliteDatabase } from "./pglite-database.ts";
import { openPostgresDatabase } from "./postgres-database.ts";

let cluster: PostgresCluster;
let databases = 0;
beforeAll(async () => {
  cluster = await startPostgresCluster();
});
afterAll(() => cluster?.stop());

const engines: Array<[string, () => Promise<Database>]> = [
  ["pglite", () => openPGliteDatabase()],
  ["postgres", async () => openPostgresDatabase({ connectionString: await cluster.createDatabase(`listen_${++databases}`), maxConnections: 1 })],
];

describe.each(engines)("Database.listen on %s", (_engine, open) => {
  it("delivers committed NOTIFYs of its channel only, none of a rolled-back transaction, and none once stopped", async () => {
    const db = await open();
    try {
      const heard: string[] = [];
      const stop = await db.listen("things", { onNotify: (payload) => heard.push(payload) });
      await db.query("SELECT pg_notify('things', 'one')");
      await db.query("SELECT pg_notify('other', 'not ours')");
      await db.transaction((tx) => tx.query("SELECT pg_notify('things', 'two')"));
      await db.transaction(async (tx) => {
        await tx.query("SELECT pg_notify('things', 'rolled back')");
        throw new Error("roll back");
      }).catch(() => {});
      await expect.poll(() => heard).toEqual(["one", "two"]);
      await stop();
      await db.query("SELECT pg_notify('things', 'after stop')");
      // A later NOTIFY on a fresh listener arrives; the stopped one heard nothing more.
      const later: string[] = [];
      const stopLater = await db.listen("things", { onNotify: (payload) => later.push(payload) });
      await db.query("SELECT pg_notify('things', 'three')");
      await expect.poll(() => later).toEqual(["three"]);
      await stopLater();
      expect(heard).toEqual(["one", "two"]);
    } finally {
      await db.close();
    }
  });
});

describe("Database.listen on postgres, outside the pool", () => {
  it("listens without taking the pool's only connection", async () => {
    const db = await engines[1]![1]();
    try {
      const heard: string[] = [];
      const stop = await db.listen("things", { onNotify: (payload) => heard.push(payload) });
      // DATABASE_POOL_MAX 1: queries still run beside the listening connection.
      await db.query("SELECT pg_notify('things', 'through the pool')");
      await expect.poll(() => heard).toEqual(["through the pool"]);
      expect(db.poolStats()).toMatchObject({ max: 1, waiting: 0 });
      await stop();
    } finally {
      await db.close();
    }
  });
});
