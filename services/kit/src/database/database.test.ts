import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { usePostgresCluster, type PostgresCluster } from "../../testing/index.ts";
import type { Database } from "./database.ts";
import { migrate, seedOnce, type Migration } from "./migrate.ts";
import { openPGliteDatabase } from "./pglite-database.ts";
import { openPostgresDatabase } from "./postgres-database.ts";
import { isUniqueViolation } from "./unique-violation.ts";

const migrations: Migration[] = [
  { version: 1, name: "things", sql: "CREATE TABLE things (id integer PRIMARY KEY, name text NOT NULL);" },
  { version: 2, name: "things_note", sql: "ALTER TABLE things ADD COLUMN note text; CREATE INDEX things_name ON things (name);" },
];

let cluster: PostgresCluster;
beforeAll(async () => {
  cluster = await usePostgresCluster();
});
afterAll(() => cluster?.stop());

// The same behaviour must hold on embedded PGlite and on a real PostgreSQL server.
const engines: Array<[string, () => Promise<Database>]> = [
  ["pglite", () => openPGliteDatabase()],
  ["postgres", async () => openPostgresDatabase({ connectionString: await cluster.createDatabase(`kit_${Date.now() % 1e9}_${Math.floor(Math.random() * 1e6)}`), maxConnections: 4 })],
];

describe.each(engines)("database on %s", (_engine, open) => {
  it("applies migrations once, in order, and records them", async () => {
    const db = await open();
    try {
      expect((await migrate(db, migrations, "test")).applied.map((m) => m.version)).toEqual([1, 2]);
      expect((await migrate(db, migrations, "test")).applied).toEqual([]);
      await db.query("INSERT INTO things (id, name, note) VALUES ($1, $2, $3)", [1, "pencil", null]);
      expect(await db.query("SELECT id, name FROM things WHERE id = ANY($1::int[])", [[1, 2]])).toEqual([{ id: 1, name: "pencil" }]);
    } finally {
      await db.close();
    }
  });

  it("refuses to start when an applied migration was edited", async () => {
    const db = await open();
    try {
      await migrate(db, migrations.slice(0, 1), "test");
      const edited = [{ ...migrations[0]!, sql: "CREATE TABLE things (id bigint PRIMARY KEY);" }];
      await expect(migrate(db, edited, "test")).rejects.toThrow("migration 1 (things) was edited after it was applied");
    } finally {
      await db.close();
    }
  });

  it("rolls a failed transaction back completely", async () => {
    const db = await open();
    try {
      await migrate(db, migrations, "test");
      const failure = await db
        .transaction(async (tx) => {
          await tx.query("INSERT INTO things (id, name) VALUES (10, 'ball')");
          await tx.query("INSERT INTO things (id, name) VALUES (10, 'duplicate')");
        })
        .catch((error: unknown) => error);
      // Both drivers report which unique constraint failed (ALREADY_EXISTS answers rely on it).
      expect(isUniqueViolation(failure, "things_pkey")).toBe(true);
      expect(isUniqueViolation(failure, "other_key")).toBe(false);
      expect(await db.query("SELECT * FROM things WHERE id = 10")).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it("loads a seed only on the first run", async () => {
    const db = await open();
    try {
      await migrate(db, migrations, "test");
      const seed = "INSERT INTO things (id, name) VALUES (1, 'pencil'), (2, 'book');";
      expect(await seedOnce(db, "demo", seed)).toBe(true);
      await db.query("DELETE FROM things WHERE id = 2");
      expect(await seedOnce(db, "demo", seed)).toBe(false);
      expect(await db.query("SELECT name FROM things ORDER BY id")).toEqual([{ name: "pencil" }]);
    } finally {
      await db.close();
    }
  });
});

describe("pool usage (for the metrics)", () => {
  it("PostgreSQL: open, idle and waiting follow the pool", async () => {
    const db = await engines[1]![1]();
    try {
      expect(db.poolStats()).toEqual({ max: 4, total: 1, idle: 1, waiting: 0 });
      // Four transactions hold every connection; a fifth query has to wait for one.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const started: Array<() => void> = [];
      const inTx = [1, 2, 3, 4].map(() => new Promise<void>((resolve) => started.push(resolve)));
      const transactions = started.map((_, i) => db.transaction(async () => (started[i]!(), held)));
      await Promise.all(inTx);
      const queued = db.query("SELECT 1");
      expect(db.poolStats()).toEqual({ max: 4, total: 4, idle: 0, waiting: 1 });
      release();
      await Promise.all([...transactions, queued]);
      expect(db.poolStats()).toMatchObject({ total: 4, idle: 4, waiting: 0 });
    } finally {
      await db.close();
    }
  });

  it("PGlite: one connection", async () => {
    const db = await openPGliteDatabase();
    try {
      expect(db.poolStats()).toEqual({ max: 1, total: 1, idle: 1, waiting: 0 });
    } finally {
      await db.close();
    }
  });
});
