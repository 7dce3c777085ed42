// Idempotency-Key records outlive a request: a duplicate that arrives while the
// first is still writing is told so (PostgreSQL, first write held by a table lock),
// and a replay after a restart still returns the stored answer (PGlite data folder).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openPostgresDatabase } from "@grpc-edge/service-kit";
import { errorInfoOf, grpc, leftInFlight } from "@grpc-edge/service-kit/testing";
import { afterAll, describe, expect, it } from "vitest";
import { engines, startPair, stopPostgres } from "./service-pair.ts";
import { grpcJsClients } from "./grpc-js-clients.ts";

afterAll(stopPostgres);
const withKey = (key: string) => ({ metadata: { "idempotency-key": key } });
const [, postgres] = engines("durable");

describe("a duplicate while the first request is in flight (PostgreSQL)", () => {
  it("is ABORTED with IDEMPOTENCY_KEY_IN_FLIGHT; once the first finishes, repeats replay it", async () => {
    const databases = await postgres[1]();
    const pair = await startPair(databases);
    const clients = grpcJsClients(pair.user.url);
    // Two connections: one holds the lock, the other looks at the keys.
    const locker = await openPostgresDatabase({ connectionString: databases.order.DATABASE_URL!, maxConnections: 2 });
    try {
      const request = { user_id: 3, item_id: 1, amount: 1 };
      // Hold the orders table: the first CreateOrder claims its key, then waits in its INSERT.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const locked = leftInFlight(
        locker.transaction(async (tx) => {
          await tx.query("LOCK TABLE orders IN EXCLUSIVE MODE");
          await held;
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
      const first = leftInFlight(clients.call(clients.order, "CreateOrder", request, 10_000, withKey("in-flight-1")));
      await expect
        .poll(() => locker.query<{ n: number }>("SELECT count(*)::int AS n FROM idempotency_keys WHERE key = 'in-flight-1'").then((r) => r[0]!.n))
        .toBe(1);
      const duplicate = await clients.fail(clients.order, "CreateOrder", request, 5_000, withKey("in-flight-1"));
      expect([duplicate.code, errorInfoOf(duplicate).map((i) => i.reason)]).toEqual([grpc.status.ABORTED, ["IDEMPOTENCY_KEY_IN_FLIGHT"]]);
      release();
      await locked;
      const placed = await first;
      expect(await clients.call(clients.order, "CreateOrder", request, 5_000, withKey("in-flight-1"))).toEqual(placed);
      expect((await clients.call(clients.order, "ListOrders", { user_id: 3 })).orders.map((o: any) => o.id)).toEqual([placed.id]);
    } finally {
      await locker.close();
      clients.close();
      await pair.stop();
    }
  });
});

describe("a replay after a restart (PGlite data folder)", () => {
  it("returns the stored answer and creates nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "idem-restart-"));
    const databases = { user: { PGLITE_DATA_DIR: join(dir, "user") }, order: { PGLITE_DATA_DIR: join(dir, "order") } };
    const request = { user_id: 2, item_id: 3, amount: 4 };
    try {
      let placed: any;
      for (const round of [1, 2]) {
        const pair = await startPair(databases);
        const clients = grpcJsClients(pair.user.url);
        try {
          const answer = await clients.call(clients.order, "CreateOrder", request, 5_000, withKey("survives-restarts"));
          if (round === 1) placed = answer;
          else expect(answer).toEqual(placed);
          const orders = (await clients.call(clients.order, "ListOrders", { user_id: 2 })).orders;
          expect(orders.filter((o: any) => o.amount === 4 && o.item.id === 3).map((o: any) => o.id)).toEqual([placed.id]);
        } finally {
          clients.close();
          await pair.stop();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
