// Exactly-once creates under crashes: several clients place keyed orders through the REST API
// (real workerd → user service → order service), each retried with the same key and body until
// it is acknowledged, while the order service — a real process on a throwaway PostgreSQL — is
// SIGKILLed twice and stopped once (SIGTERM) mid-way, each time restarted on the same data
// behind the same address (a TCP proxy plays the load balancer). Afterwards the order
// service's own database must hold exactly one order per acknowledged key, and nothing else:
// no acknowledged write lost, none doubled, every replay the stored order.
import { fromBinary } from "@bufbuild/protobuf";
import { OrderSchema } from "@grpc-edge/proto/orders/v1";
import { openPostgresDatabase, type Database } from "@grpc-edge/service-kit";
import { startFaultProxy, usePostgresCluster, type FaultProxy, type PostgresCluster } from "@grpc-edge/service-kit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearerFor } from "../../workers/gateway/test/jwt-test-kit.ts";
import { startGateway, type RunningGateway } from "../../workers/gateway/test/start-gateway.ts";
import { killAllServices, spawnService, type ServiceProcess } from "./service-process.ts";

const clients = 4;
const ordersPerClient = 15;
const total = clients * ordersPerClient;
/** The gateway's budget per request; an in-flight claim of a killed process is taken over after it + 5 s. */
const budgetMs = 1_500;
/** How long one logical order may take to be acknowledged, retries included. */
const perOrderMs = 15_000;
const rpc = "orders.v1.OrderService/CreateOrder";

let pgCluster: PostgresCluster;
let orderDbUrl: string;
let order: ServiceProcess;
let orderLink: FaultProxy;
let user: ServiceProcess;
let gateway: RunningGateway;

beforeAll(async () => {
  pgCluster = await usePostgresCluster();
  orderDbUrl = await pgCluster.createDatabase("orders_exactly_once");
  order = await spawnService("order", { DATABASE_URL: orderDbUrl });
  orderLink = await startFaultProxy({ port: order.port });
  user = await spawnService("user", { ORDER_SERVICE_URL: orderLink.url });
  gateway = await startGateway({ userServiceUrl: user.url, orderServiceUrl: orderLink.url, vars: { UPSTREAM_TIMEOUT_MS: String(budgetMs), EDGE_CACHE_TTL_SECONDS: "0" } });
}, 120_000);
afterAll(async () => {
  await gateway?.stop();
  await orderLink?.close();
  await killAllServices();
  await pgCluster?.stop();
});

interface Ack {
  key: string;
  userId: number;
  amount: number;
  orderId: number;
  /** The answer said Idempotent-Replayed: true. */
  replayed: boolean;
  attempts: number;
}

interface Outcome {
  acks: Ack[];
  /** Keys given up on (never acknowledged within perOrderMs). */
  unacknowledged: string[];
  /** Statuses (or network errors) seen on attempts that were retried, for the log. */
  retried: Map<string, number>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One client: places its orders one after another, each retried with the same key and body until a 2xx. */
async function client(userId: number, index: number, outcome: Outcome, progress: () => void): Promise<void> {
  const auth = await bearerFor(String(userId));
  for (let n = 0; n < ordersPerClient; n++) {
    const key = `exactly-once-${index}-${n}-${crypto.randomUUID()}`;
    // amount identifies the logical order within the user's orders, independently of the key table.
    const body = JSON.stringify({ itemId: 1 + (n % 3), amount: n + 1 });
    const started = performance.now();
    let attempts = 0;
    let acked = false;
    while (performance.now() - started < perOrderMs) {
      attempts++;
      let status: string;
      try {
        const res = await fetch(`${gateway.url}/api/users/${userId}/orders`, {
          method: "POST",
          headers: { "content-type": "application/json", "idempotency-key": key, ...auth },
          body,
          signal: AbortSignal.timeout(budgetMs + 3_000),
        });
        const answer = (await res.json()) as { id?: number; amount?: number };
        if (res.ok) {
          expect(answer.amount).toBe(n + 1);
          outcome.acks.push({ key, userId, amount: n + 1, orderId: answer.id!, replayed: res.headers.get("idempotent-replayed") === "true", attempts });
          acked = true;
          progress();
          break;
        }
        // Retried: 503 (down), 504 (budget spent, the write may or may not have happened),
        // 409 (a claim of a killed process, until its lease runs out). Nothing else is expected.
        if (![409, 503, 504].includes(res.status)) console.info(logsOf(res.headers.get("x-request-id")));
        expect([409, 503, 504], JSON.stringify(answer)).toContain(res.status);
        status = `${res.status} ${(answer as { code?: string }).code}`;
      } catch (err) {
        if ((err as Error).name === "AssertionError") throw err;
        status = (err as Error).name;
      }
      outcome.retried.set(status, (outcome.retried.get(status) ?? 0) + 1);
      await sleep(50 + Math.random() * 100);
    }
    if (!acked) outcome.unacknowledged.push(key);
    // Pace the clients so that the run spans the restarts.
    await sleep(40);
  }
}

/** The user service's log lines of one request: why it failed. */
function logsOf(requestId: string | null): string {
  return user.output().split("\n").filter((l) => requestId !== null && l.includes(requestId)).join("\n");
}

/** Restarts the order service on the same database and points the proxy at it. */
async function restartOrderService(): Promise<void> {
  order = await spawnService("order", { DATABASE_URL: orderDbUrl });
  orderLink.setTarget({ port: order.port });
}

describe("keyed order creations under order-service crashes", { timeout: 60_000 }, () => {
  it("stored orders == acknowledged keys: none lost, none doubled, every replay the stored order", async () => {
    const started = performance.now();
    // One fresh user per client (the user service is not restarted; its data stays in memory).
    const admin = await bearerFor("1", "admin");
    const userIds: number[] = [];
    for (let i = 0; i < clients; i++) {
      const res = await fetch(`${gateway.url}/api/users`, {
        method: "POST",
        headers: { "content-type": "application/json", ...admin },
        body: JSON.stringify({ firstName: `Client${i}`, lastName: "ExactlyOnce", email: `exactly-once-${i}@example.com` }),
      });
      expect(res.status).toBe(201);
      userIds.push(((await res.json()) as { id: number }).id);
    }

    const outcome: Outcome = { acks: [], unacknowledged: [], retried: new Map() };
    let acked = 0;
    const waiters: { at: number; resolve: () => void }[] = [];
    const progress = () => {
      acked++;
      for (const w of waiters.filter((w) => acked >= w.at)) w.resolve();
    };
    const ackedAtLeast = (at: number) => new Promise<void>((resolve) => (acked >= at ? resolve() : waiters.push({ at, resolve })));

    const faults: string[] = [];
    const lockDb = await openPostgresDatabase({ connectionString: orderDbUrl, maxConnections: 1 });
    const kill = async (signal: NodeJS.Signals, what: string) => {
      const old = order;
      old.signal(signal);
      const code = await old.exited;
      faults.push(`${signal} ${what} at ${acked} acked (exit ${code})`);
    };
    const storedOrders = async () => {
      const [row] = await lockDb.query<{ n: number }>("SELECT count(*)::int AS n FROM orders WHERE user_id = ANY($1::int[])", [userIds]);
      return row?.n ?? 0;
    };
    // Waits for a write committed after `baseline` was counted. Counted once the slow link was
    // in force, such a write's answer left the order service after it, so the link still holds
    // it (comparing with the acks instead raced: a write answered just before the switch can
    // still be on its way to the client, and killing then loses no answer).
    const committedSince = async (baseline: number) => {
      const giveUpAt = Date.now() + 15_000;
      while (Date.now() < giveUpAt) {
        if ((await storedOrders()) > baseline) return;
        await sleep(5);
      }
    };
    const chaos = async () => {
      // 1. SIGKILL mid-write: the orders table is locked, so the creates in flight have claimed
      //    their keys and wait to insert when the process dies. Their claims are left in flight
      //    (retries: 409 until the lease runs out, then one of them takes the key over).
      await ackedAtLeast(8);
      await lockDb.transaction(async (tx) => {
        await tx.query("LOCK TABLE orders IN SHARE MODE");
        await sleep(300);
        await kill("SIGKILL", "mid-write");
      });
      await sleep(300); // down for a moment: requests meanwhile fail (503) and are retried
      await restartOrderService();

      // 2. SIGKILL after the commit, before the answer: the link to the order service delays
      //    each chunk 400 ms, and the kill follows the first write committed after that, so
      //    its answer is still on the link when the process dies (retries: the stored answer,
      //    replayed).
      await ackedAtLeast(25);
      await orderLink.setMode({ kind: "latency", perChunkMs: 400 });
      await committedSince(await storedOrders());
      await kill("SIGKILL", "answers on the wire");
      await orderLink.setMode({ kind: "pass" });
      await sleep(300);
      await restartOrderService();

      // 3. SIGTERM: a clean stop, in-flight calls drained.
      await ackedAtLeast(42);
      await kill("SIGTERM", "drain");
      await sleep(300);
      await restartOrderService();
    };

    try {
      await Promise.all([chaos(), ...userIds.map((id, i) => client(id, i, outcome, progress))]);
    } finally {
      await lockDb.close();
    }

    // Each key once more, after the dust settled: the stored answer, marked as a replay, and no new order.
    const replayed = await Promise.all(
      outcome.acks.map(async (ack) => {
        const res = await fetch(`${gateway.url}/api/users/${ack.userId}/orders`, {
          method: "POST",
          headers: { "content-type": "application/json", "idempotency-key": ack.key, ...(await bearerFor(String(ack.userId))) },
          body: JSON.stringify({ itemId: 1 + ((ack.amount - 1) % 3), amount: ack.amount }),
        });
        return { status: res.status, id: ((await res.json()) as { id: number }).id, replayed: res.headers.get("idempotent-replayed") };
      }),
    );
    expect(replayed).toEqual(outcome.acks.map((ack) => ({ status: 201, id: ack.orderId, replayed: "true" })));

    // What the order service stored, read from its own database.
    const db: Database = await openPostgresDatabase({ connectionString: orderDbUrl, maxConnections: 1 });
    let orders: { id: number; user_id: number; amount: number }[];
    let keys: { caller: string; key: string; state: string; response: Uint8Array | null }[];
    try {
      orders = await db.query("SELECT id, user_id, amount FROM orders WHERE user_id = ANY($1::int[]) ORDER BY id", [userIds]);
      keys = await db.query("SELECT caller, key, state, response FROM idempotency_keys WHERE rpc = $1 AND caller = ANY($2::text[])", [
        rpc,
        userIds.map(String),
      ]);
    } finally {
      await db.close();
    }

    const replays = outcome.acks.filter((a) => a.replayed).length;
    const retried = [...outcome.retried].map(([s, n]) => `${s}×${n}`).join(", ");
    console.info(
      `exactly-once: ${total} logical orders, ${outcome.acks.length} acknowledged (${replays} replays), ` +
        `${outcome.acks.reduce((s, a) => s + a.attempts, 0)} attempts; retried: ${retried || "none"}; ` +
        `faults: ${faults.join("; ")}; stored ${orders.length} orders, ${keys.length} keys; ${Math.round(performance.now() - started)} ms`,
    );

    expect(faults).toHaveLength(3);
    // Both hard cases happened: claims left in flight by a killed process were taken over
    // (409 first), and writes committed but never answered were answered by a replay.
    expect(outcome.retried.get("409 aborted") ?? 0).toBeGreaterThan(0);
    expect(replays).toBeGreaterThan(0);
    // Every logical order was acknowledged in the end (the retries outlast the restarts).
    expect(outcome.unacknowledged).toEqual([]);
    expect(outcome.acks).toHaveLength(total);
    expect(new Set(outcome.acks.map((a) => a.key)).size).toBe(total);

    // Keys: exactly the acknowledged ones, each completed, each answer the acknowledged order.
    expect(keys.map((k) => k.key).sort()).toEqual(outcome.acks.map((a) => a.key).sort());
    const storedAnswer = new Map(keys.map((k) => [k.key, k]));
    for (const ack of outcome.acks) {
      const row = storedAnswer.get(ack.key)!;
      expect(row.state).toBe("completed");
      expect(row.caller).toBe(String(ack.userId));
      expect(fromBinary(OrderSchema, row.response!).id, `key ${ack.key}`).toBe(ack.orderId);
    }

    // Orders: one per acknowledged key and no other — zero duplicates, counted on the rows.
    expect(orders).toHaveLength(total);
    expect(orders.map((o) => o.id).sort((x, y) => x - y)).toEqual(outcome.acks.map((a) => a.orderId).sort((x, y) => x - y));
    for (const ack of outcome.acks) {
      const rows = orders.filter((o) => o.user_id === ack.userId && o.amount === ack.amount);
      expect(rows, `order ${ack.amount} of user ${ack.userId}`).toEqual([{ id: ack.orderId, user_id: ack.userId, amount: ack.amount }]);
    }

    // Through the API too: each user lists exactly her acknowledged orders.
    for (const userId of userIds) {
      const res = await fetch(`${gateway.url}/api/users/${userId}/orders?pageSize=500`, { headers: await bearerFor(String(userId)) });
      expect(res.status).toBe(200);
      const listed = ((await res.json()) as { orders: { id: number }[] }).orders.map((o) => o.id);
      expect(listed).toEqual(outcome.acks.filter((a) => a.userId === userId).map((a) => a.orderId).sort((x, y) => x - y));
    }
    expect(performance.now() - started).toBeLessThan(45_000);
  });
});
