import { OrderEventType, type OrderEvent } from "@grpc-edge/proto/orders/v1";
import { startService, type RunningService } from "@grpc-edge/service-kit";
import { startPostgresCluster, testServiceEnv, type PostgresCluster } from "@grpc-edge/service-kit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orderServiceDefinition } from "../src/index.ts";
import { isLive, orderClient, protocols, record, type RecordedStream } from "./watch-client.ts";

const WRITERS = 4;
const ORDERS_PER_WRITER = 25;
const TOTAL = WRITERS * ORDERS_PER_WRITER;
/** The watcher drops its stream and resumes after this many changes, again and again. */
const RESUME_EVERY = 7;

let cluster: PostgresCluster;
let service: RunningService;
beforeAll(async () => {
  cluster = await startPostgresCluster();
  service = await startService(
    orderServiceDefinition,
    testServiceEnv({ DATABASE_URL: await cluster.createDatabase("watch_concurrency"), SEED_DEMO_DATA: "true", DATABASE_POOL_MAX: "8", WATCH_HEARTBEAT_MS: "200" }),
  );
  // Fault injection: each event write lingers up to 20 ms between drawing its id and
  // committing, so that writers' commits really overtake one another's ids.
  await service.db.exec(`
    CREATE FUNCTION linger() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(random() * 0.02); RETURN NULL; END $$;
    CREATE TRIGGER linger AFTER INSERT ON order_events FOR EACH ROW EXECUTE FUNCTION linger();
  `);
});
afterAll(async () => {
  await service?.stop(1_000);
  await cluster?.stop();
});

describe("WatchOrders under concurrent writers (PostgreSQL)", () => {
  it(`a stream resumed every ${RESUME_EVERY} events sees every one of ${WRITERS} × ${ORDERS_PER_WRITER} concurrent creates once, in the replay's order`, async () => {
    const connect = (identity: { sub: number }) => orderClient(protocols[0][1](service.url, identity));
    const alice = connect({ sub: 1 });
    // A starting point before the burst, so a full replay can be asked for afterwards.
    await alice.createOrder({ userId: 1, itemId: 1, amount: 1 });
    const start = (await service.db.query<{ id: string }>("SELECT max(id)::text AS id FROM order_events"))[0]!.id;

    const seen: OrderEvent[] = [];
    let stream: RecordedStream = record(alice, { userId: 1, afterEventId: BigInt(start) });
    await expect.poll(() => isLive(stream)).toBe(true);
    const resumeFromLast = async () => {
      stream.cancel();
      await stream.ended;
      seen.push(...stream.changes());
      stream = record(alice, { userId: 1, afterEventId: seen.at(-1)?.id ?? BigInt(start) });
    };
    let resumes = 0;
    let writing = true;
    // The watcher: keeps what each stream delivered, drops it and resumes from its last id.
    const watcher = (async () => {
      while (writing) {
        await expect.poll(() => !writing || stream.changes().length >= RESUME_EVERY, { timeout: 20_000, interval: 5 }).toBe(true);
        await resumeFromLast();
        resumes++;
      }
    })().then(
      () => undefined,
      (error: unknown) => error,
    );
    const writers = Array.from({ length: WRITERS }, async (_, w) => {
      // Separate connections per writer: the commits really interleave.
      const client = connect({ sub: 1 });
      const ids: number[] = [];
      for (let i = 0; i < ORDERS_PER_WRITER; i++) ids.push((await client.createOrder({ userId: 1, itemId: 1 + ((w + i) % 3), amount: 1 + i })).id);
      return ids;
    });
    const written = (await Promise.allSettled(writers)).flatMap((r) => (r.status === "fulfilled" ? r.value : []));
    writing = false;
    expect(await watcher).toBeUndefined();

    // What a full replay says happened, then the watcher's last stream catching up to its end.
    const replay = record(alice, { userId: 1, afterEventId: BigInt(start) });
    await expect.poll(() => replay.changes().length).toBe(TOTAL);
    replay.cancel();
    await replay.ended;
    const lastId = replay.changes().at(-1)!.id;
    await expect.poll(() => (stream.changes().at(-1) ?? seen.at(-1))?.id).toBe(lastId);
    await resumeFromLast();
    stream.cancel();

    expect(written).toHaveLength(TOTAL);
    expect(resumes).toBeGreaterThanOrEqual(3);
    const key = (e: OrderEvent) => `${e.id}:${e.order?.id}`;
    expect(seen.map(key)).toEqual(replay.changes().map(key));
    expect(new Set(seen.map((e) => e.order?.id))).toEqual(new Set(written));
    expect(seen.every((e) => e.type === OrderEventType.PLACED)).toBe(true);
  });
});
