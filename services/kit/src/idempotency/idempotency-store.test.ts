import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { migrate, openPGliteDatabase, type Database } from "../database/index.ts";
import { idempotencyKeysMigration } from "./idempotency-keys-migration.ts";
import { IdempotencyStore, type KeyScope } from "./idempotency-store.ts";

const scope: KeyScope = { caller: "7", rpc: "orders.v1.OrderService/CreateOrder", key: "k1" };
const hash = new Uint8Array(32).fill(1);

let db: Database;
let store: IdempotencyStore;
beforeEach(async () => {
  db = await openPGliteDatabase();
  // The table as the kit ships it (each service places this migration in its history).
  await migrate(db, [{ version: 1, ...idempotencyKeysMigration }], "test");
  store = new IdempotencyStore(db);
});
afterEach(() => db?.close());

describe("IdempotencyStore", () => {
  it("lets a retry take over a claim whose holder died (lease run out); the dead holder can no longer complete", async () => {
    const dead = await store.claim(scope, hash, 0);
    const retry = await store.claim(scope, hash, 60_000);
    expect([dead.kind, retry.kind]).toEqual(["claimed", "claimed"]);
    if (dead.kind !== "claimed" || retry.kind !== "claimed") return;
    expect(await store.complete(db, scope, dead.lease, new Uint8Array([1]))).toBe(false);
    expect(await store.complete(db, scope, retry.lease, new Uint8Array([2]))).toBe(true);
    expect(await store.claim(scope, hash, 60_000)).toMatchObject({ kind: "completed", response: new Uint8Array([2]) });
  });

  it("does not take over a live claim, nor one made for another request", async () => {
    await store.claim(scope, hash, 60_000);
    expect((await store.claim(scope, hash, 60_000)).kind).toBe("in-flight");
    const other = { ...scope, key: "k2" };
    await store.claim(other, hash, 0);
    expect(await store.claim(other, new Uint8Array(32).fill(2), 60_000)).toMatchObject({ kind: "in-flight", requestHash: hash });
  });

  it("forgets records older than the TTL, and only those", async () => {
    await store.claim(scope, hash, 60_000);
    await store.claim({ ...scope, key: "old" }, hash, 60_000);
    await db.query("UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = 'old'");
    expect(await store.deleteOlderThan(24)).toBe(1);
    expect(await db.query("SELECT key FROM idempotency_keys")).toEqual([{ key: "k1" }]);
  });
});
