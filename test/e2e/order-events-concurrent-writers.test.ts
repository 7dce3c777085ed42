// Concurrent writers never make a resumed Server-Sent Events stream skip an event, through the
// edge: real workerd and both services, the order service on PostgreSQL (the run's cluster,
// where commit order under concurrency is real; each event write lingers up to 20 ms before its
// commit, so commits overtake one another) and on PGlite. Writers place and cancel orders
// through the REST API while one client streams GET /api/users/1/orders:watch, drops the
// connection at arbitrary points and resumes from its Last-Event-ID, again and again. The union
// of what it received must be exactly the changes the REST API reports — each order's placed
// and cancelled once, in that order — and the very sequence a full replay gives.
import { orderServiceDefinition } from "@grpc-edge/order-service";
import { startService, type RunningService } from "@grpc-edge/service-kit";
import { testServiceEnv, usePostgresCluster } from "@grpc-edge/service-kit/testing";
import { userServiceDefinition } from "@grpc-edge/user-service";
import { afterAll, describe, expect, it } from "vitest";
import { bearerFor } from "../../workers/gateway/test/jwt-test-kit.ts";
import { startGateway, type RunningGateway } from "../../workers/gateway/test/start-gateway.ts";
import { openEventStream, type EventStream } from "./open-event-stream.ts";
import { byOrder, cancelOrder, changesReported, changesSeen, expectFaithfulLog, placeOrder, restOrders } from "./order-changes.ts";

const WRITERS = 4;
const ORDERS_PER_WRITER = 25;
/** Changes the watcher takes from one connection before it drops it: arbitrary, repeatable. */
const CUTS = [3, 0, 7, 1, 5, 2, 11, 4];

const engines = [
  ["PostgreSQL", async () => ({ DATABASE_URL: await (await usePostgresCluster()).createDatabase("order_events_writers"), DATABASE_POOL_MAX: "8" })],
  ["PGlite", async () => ({ PGLITE_DATA_DIR: "memory://" })],
] as const;

describe.each(engines)("a resumed SSE stream under concurrent writers at the edge (%s)", { timeout: 90_000 }, (engine, database) => {
  let order: RunningService;
  let user: RunningService;
  let gateway: RunningGateway;
  afterAll(async () => {
    await gateway?.stop();
    await user?.stop(1_000);
    await order?.stop(1_000);
  });

  it(`receives each change of ${WRITERS} writers × ${ORDERS_PER_WRITER} orders exactly once, dropping and resuming from Last-Event-ID throughout`, async () => {
    order = await startService(orderServiceDefinition, testServiceEnv({ ...(await database()), SEED_DEMO_DATA: "true", WATCH_HEARTBEAT_MS: "300" }));
    if (engine === "PostgreSQL") {
      // Fault injection: each event write lingers between drawing its id and committing.
      await order.db.exec(`
        CREATE FUNCTION linger() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(random() * 0.02); RETURN NULL; END $$;
        CREATE TRIGGER linger AFTER INSERT ON order_events FOR EACH ROW EXECUTE FUNCTION linger();
      `);
    }
    user = await startService(userServiceDefinition, testServiceEnv({ PGLITE_DATA_DIR: "memory://", SEED_DEMO_DATA: "true", ORDER_SERVICE_URL: order.url }));
    gateway = await startGateway({ userServiceUrl: user.url, orderServiceUrl: order.url, vars: { PUBLIC_READS: "false", EDGE_CACHE_TTL_SECONDS: "0" } });
    const petar = await bearerFor("1");
    const jovan = await bearerFor("2");
    const url = `${gateway.url}/api/users/1/orders:watch`;
    const made = new Set<number>();

    // A first change, so that there is a point to replay from afterwards.
    const connections: EventStream[] = [await openEventStream(url, petar)];
    made.add(await placeOrder(gateway.url, petar, 1));
    await expect.poll(() => connections[0]!.events.length, { timeout: 5_000 }).toBe(1);
    const start = connections[0]!.events[0]!.lastEventId;
    const received = () => connections.flatMap((c) => c.events);
    const changes = (c: EventStream) => changesSeen(c.events).length;

    // The watcher: takes CUTS[round] changes from a connection (0: drops it as soon as it is
    // open), drops it, resumes from the last event id it saw; until it is past `lastId`.
    let lastId: bigint | undefined;
    const caughtUp = () => lastId !== undefined && BigInt(received().at(-1)!.lastEventId) >= lastId;
    const watcher = (async () => {
      for (let round = 0; ; round++) {
        const stream = connections.at(-1)!;
        const cut = CUTS[round % CUTS.length]!;
        await expect.poll(() => changes(stream) >= cut || caughtUp() || stream.done !== undefined, { timeout: 20_000, interval: 5 }).toBe(true);
        stream.close();
        await stream.ended;
        if (caughtUp()) return round;
        const next = await openEventStream(url, petar, received().at(-1)!.lastEventId);
        expect([next.status, next.refusal]).toEqual([200, undefined]);
        connections.push(next);
      }
    })().then(
      (rounds) => ({ rounds }),
      (error: unknown) => ({ error }),
    );

    // Writers 0–2 place user 1's orders and cancel every third right after; writer 3 places
    // user 2's, whose events share the id sequence but are not for this stream.
    const writers = Array.from({ length: WRITERS }, async (_, w) => {
      const [userId, auth] = w === WRITERS - 1 ? [2, jovan] : [1, petar];
      for (let i = 0; i < ORDERS_PER_WRITER; i++) {
        const id = await placeOrder(gateway.url, auth, userId, 1 + ((w + i) % 3));
        if (userId === 1) made.add(id);
        if (i % 3 === 0) await cancelOrder(gateway.url, auth, id);
      }
    });
    const written = await Promise.allSettled(writers);
    expect(written.filter((r) => r.status === "rejected")).toEqual([]);
    const reported = changesReported(await restOrders(gateway.url, petar, 1), made);
    expect(reported).toHaveLength(1 + 3 * ORDERS_PER_WRITER + 3 * Math.ceil(ORDERS_PER_WRITER / 3));

    // A full replay from the first change, once everything is written: where the watcher must get to.
    const replay = await openEventStream(url, petar, start);
    await expect.poll(() => changesSeen(replay.events).length, { timeout: 10_000 }).toBe(reported.length - 1);
    replay.close();
    await replay.ended;
    lastId = BigInt(replay.events.at(-1)!.lastEventId);
    const outcome = await watcher;
    expect(outcome).toMatchObject({ rounds: expect.any(Number) });
    console.info(`${engine}: ${reported.length} changes received over ${connections.length} connections`);

    const all = received();
    expect(byOrder(changesSeen(all))).toEqual(reported);
    expectFaithfulLog(all);
    const key = (e: { ownId: string | undefined; event: string; data: string }) => `${e.ownId} ${e.event} ${(JSON.parse(e.data) as { order: { id: number } }).order.id}`;
    const changeEvents = all.filter((e) => e.event === "placed" || e.event === "cancelled");
    expect(changeEvents.slice(1).map(key)).toEqual(replay.events.filter((e) => e.event === "placed" || e.event === "cancelled").map(key));
    // It did drop and resume many times, some of them mid-burst.
    expect(connections.length).toBeGreaterThanOrEqual(10);
  });
});
