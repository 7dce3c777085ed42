import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { usePostgresCluster, type PostgresCluster } from "../../testing/index.ts";
import type { Database } from "./database.ts";
import { openPGliteDatabase } from "./pglite-database.ts";
import { openPostgresDatabase } from "./postgres-database.ts";
import { withQueryDeadline } from "./query-deadline.ts";

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "ok",
    (error: unknown) => Code[ConnectError.from(error).code],
  );

describe("query deadlines on PostgreSQL", () => {
  let cluster: PostgresCluster;
  let db: Database;
  let observer: Database;
  beforeAll(async () => {
    cluster = await usePostgresCluster();
    const url = await cluster.createDatabase("deadlines");
    db = await openPostgresDatabase({ connectionString: url, maxConnections: 4 });
    observer = await openPostgresDatabase({ connectionString: url, maxConnections: 1 });
  });
  afterAll(async () => {
    await db?.close();
    await observer?.close();
    await cluster?.stop();
  });

  const sleeping = () =>
    observer.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'SELECT pg_sleep%' AND state = 'active'");

  it("cancels a statement still running at the caller's deadline: DEADLINE_EXCEEDED, and the server stops working on it", async () => {
    const started = Date.now();
    expect(await codeOf(withQueryDeadline(Date.now() + 300, () => db.query("SELECT pg_sleep(5)")))).toBe("DeadlineExceeded");
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect((await sleeping())[0]!.n).toBe(0);
    // The connection went back to the pool clean: no statement_timeout is left on it.
    expect(await db.query("SELECT 1 AS done FROM pg_sleep(0.4)")).toEqual([{ done: 1 }]);
  });

  it("bounds every statement of a transaction by what is left of the budget, and rolls it back", async () => {
    await db.exec("CREATE TABLE IF NOT EXISTS marks (n int)");
    const run = withQueryDeadline(Date.now() + 400, () =>
      db.transaction(async (tx) => {
        await tx.query("INSERT INTO marks VALUES (1)");
        await tx.query("SELECT pg_sleep(0.2)");
        await tx.query("SELECT pg_sleep(0.5)"); // 0.2 s left: cancelled
      }),
    );
    expect(await codeOf(run)).toBe("DeadlineExceeded");
    expect(await db.query("SELECT n FROM marks")).toEqual([]);
  });

  it("does not start a statement once the deadline has passed", async () => {
    expect(await codeOf(withQueryDeadline(Date.now() - 1, () => db.query("INSERT INTO marks VALUES (2)")))).toBe("DeadlineExceeded");
    expect(await db.query("SELECT n FROM marks")).toEqual([]);
  });

  it("lets statements within the budget, and without any deadline, finish", async () => {
    expect(await withQueryDeadline(Date.now() + 2_000, () => db.query("SELECT 1 AS done FROM pg_sleep(0.1)"))).toEqual([{ done: 1 }]);
    expect(await db.query("SELECT 1 AS done FROM pg_sleep(0.1)")).toEqual([{ done: 1 }]);
  });
});

describe("query deadlines on PGlite", () => {
  it("cannot interrupt a running statement, but starts none after the deadline", async () => {
    const db = await openPGliteDatabase();
    try {
      expect(await codeOf(withQueryDeadline(Date.now() - 1, () => db.query("SELECT 1")))).toBe("DeadlineExceeded");
      // Documented limit: statement_timeout never fires in PGlite's single thread.
      const started = Date.now();
      expect(await codeOf(withQueryDeadline(Date.now() + 100, () => db.query("SELECT pg_sleep(0.3)")))).toBe("ok");
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect(await codeOf(withQueryDeadline(Date.now() + 1_000, () => db.transaction((tx) => tx.query("SELECT 1"))))).toBe("ok");
    } finally {
      await db.close();
    }
  });
});
