import { Code } from "@connectrpc/connect";
import { OrderEventType, OrderStatus } from "@grpc-edge/proto/orders/v1";
import { startService, type RunningService } from "@grpc-edge/service-kit";
import { bearer, startPostgresCluster, testServiceEnv, type PostgresCluster } from "@grpc-edge/service-kit/testing";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { orderServiceDefinition } from "../src/index.ts";
import { OrderEventRepository } from "../src/order-event-repository.ts";
import { describeChanges, isLive, orderClient, protocols, record, type RecordedStream } from "./watch-client.ts";

let cluster: Promise<PostgresCluster> | undefined;
let databases = 0;
const engines = [
  ["PGlite", async () => ({})],
  ["PostgreSQL", async () => ({ DATABASE_URL: await (await (cluster ??= startPostgresCluster())).createDatabase(`watch_${++databases}`) })],
] as const;

const running: RunningService[] = [];
const streams: RecordedStream[] = [];
afterEach(async () => {
  for (const s of streams.splice(0)) s.cancel();
  await Promise.all(running.splice(0).map((s) => s.stop(1_000)));
});
afterAll(async () => {
  await (await cluster)?.stop();
});

async function start(database: Record<string, string>, env: Record<string, string> = {}) {
  const service = await startService(orderServiceDefinition, testServiceEnv({ SEED_DEMO_DATA: "true", WATCH_HEARTBEAT_MS: "200", ...database, ...env }));
  running.push(service);
  return service;
}

function watching(...args: Parameters<typeof record>): RecordedStream {
  const stream = record(...args);
  streams.push(stream);
  return stream;
}

async function subscriptions(service: RunningService): Promise<number> {
  const text = await (await fetch(service.metricsUrl!)).text();
  return Number(/^order_event_subscriptions (\d+)$/m.exec(text)?.[1]);
}

describe.each(engines)("WatchOrders on %s", (_engine, database) => {
  it.each(protocols)("delivers the events of CreateOrder and CancelOrder (%s), the order as of each event", async (_protocol, transport) => {
    const service = await start(await database());
    const alice = orderClient(transport(service.url, { sub: 1 }));
    const stream = watching(alice, { userId: 1 });
    await expect.poll(() => isLive(stream)).toBe(true);

    const placed = await alice.createOrder({ userId: 1, itemId: 2, amount: 3 });
    const other = await orderClient(transport(service.url, { sub: 2 })).createOrder({ userId: 2, itemId: 1, amount: 1 });
    await alice.cancelOrder({ id: placed.id });
    await alice.cancelOrder({ id: placed.id }); // no change: no event
    await expect.poll(() => stream.changes().length).toBe(2);
    await alice.createOrder({ userId: 1, itemId: 1, amount: 1 }); // a later event proves the repeat wrote none
    await expect.poll(() => stream.changes().length).toBe(3);

    const [placedEvent, cancelledEvent] = stream.changes();
    expect(describeChanges(stream.changes().slice(0, 2))).toEqual([
      ["PLACED", placed.id, OrderStatus.PLACED],
      ["CANCELLED", placed.id, OrderStatus.CANCELLED],
    ]);
    expect(stream.changes().some((e) => e.order?.id === other.id)).toBe(false);
    expect(placedEvent!.order).toMatchObject({ userId: 1, amount: 3, item: { id: 2, name: "book" } });
    expect(placedEvent!.order?.cancelTime).toBeUndefined();
    expect(cancelledEvent!.order?.cancelTime).toBeDefined();
    expect(cancelledEvent!.id).toBeGreaterThan(placedEvent!.id);
    expect(cancelledEvent!.time?.seconds).toBe(cancelledEvent!.order?.cancelTime?.seconds);
  });

  it("resumes after an event id with exactly the missed events: no gap, no repeat", async () => {
    const service = await start(await database());
    const alice = orderClient(protocols[0][1](service.url, { sub: 1 }));
    const first = watching(alice, { userId: 1 });
    await expect.poll(() => isLive(first)).toBe(true);
    const a = await alice.createOrder({ userId: 1, itemId: 1, amount: 1 });
    await expect.poll(() => first.changes().length).toBe(1);
    first.cancel();
    expect(await first.ended).toMatchObject({ error: { code: Code.Canceled } });
    const lastSeen = first.changes()[0]!.id;

    // Missed while away.
    const b = await alice.createOrder({ userId: 1, itemId: 2, amount: 2 });
    await alice.cancelOrder({ id: a.id });

    const resumed = watching(alice, { userId: 1, afterEventId: lastSeen });
    await expect.poll(() => resumed.changes().length).toBe(2);
    const c = await alice.createOrder({ userId: 1, itemId: 3, amount: 3 });
    await expect.poll(() => resumed.changes().length).toBe(3);
    expect(describeChanges(resumed.changes())).toEqual([
      ["PLACED", b.id, OrderStatus.PLACED],
      ["CANCELLED", a.id, OrderStatus.CANCELLED],
      ["PLACED", c.id, OrderStatus.PLACED],
    ]);
    expect(resumed.changes()[0]!.id).toBeGreaterThan(lastSeen);
  });

  it("answers a resume point older than the retention with one RESET, then goes on live", async () => {
    const service = await start(await database());
    const alice = orderClient(protocols[1][1](service.url, { sub: 1 }));
    await alice.createOrder({ userId: 1, itemId: 1, amount: 1 });
    await alice.createOrder({ userId: 1, itemId: 1, amount: 2 });
    // Age both events past the retention and run the cleanup's prune.
    await service.db.query("UPDATE order_events SET created_at = now() - interval '2 days'");
    expect(await new OrderEventRepository(service.db).prune(24)).toBe(2);
    const [{ latest }] = (await service.db.query<{ latest: string }>("SELECT pruned_through::text AS latest FROM order_events_watermark")) as [{ latest: string }];

    const stream = watching(alice, { userId: 1, afterEventId: 1n });
    // After the live signal (a heartbeat), the RESET comes first.
    const firstSaid = () => stream.events.find((e) => e.type !== OrderEventType.HEARTBEAT);
    await expect.poll(() => firstSaid()).toBeDefined();
    expect(firstSaid()).toMatchObject({ type: OrderEventType.RESET, id: BigInt(latest) });
    expect(firstSaid()!.order).toBeUndefined();
    const later = await alice.createOrder({ userId: 1, itemId: 2, amount: 3 });
    await expect.poll(() => stream.changes().length).toBe(1);
    expect(describeChanges(stream.changes())).toEqual([["PLACED", later.id, OrderStatus.PLACED]]);
    expect(stream.events.filter((e) => e.type === OrderEventType.RESET)).toHaveLength(1);

    // A resume point never handed out (another database's) is a RESET too.
    const stranger = watching(alice, { userId: 1, afterEventId: 1_000_000n });
    await expect.poll(() => stranger.events[0]?.type).toBe(OrderEventType.RESET);
  });

  it("serves more streams than pooled connections (pool of 2, 5 streams), and unary calls beside them", async () => {
    const service = await start(await database(), { DATABASE_POOL_MAX: "2", WATCH_MAX_STREAMS_PER_CALLER: "10" });
    const admin = orderClient(protocols[0][1](service.url, { scope: "admin" }));
    const five = Array.from({ length: 5 }, () => watching(admin, { userId: 3 }));
    await expect.poll(() => five.every(isLive)).toBe(true);
    expect(await subscriptions(service)).toBe(5);
    const placed = await admin.createOrder({ userId: 3, itemId: 1, amount: 1 });
    await expect.poll(() => five.map((s) => s.changes().map((e) => e.order?.id))).toEqual(Array(5).fill([placed.id]));
    expect((await admin.listOrders({ userId: 3 })).orders.map((o) => o.id)).toContain(placed.id);
  });
});

describe("WatchOrders when the LISTEN connection is lost (PostgreSQL)", () => {
  it("reconnects the listener and wakes the streams to catch up on what was committed meanwhile", async () => {
    // Heartbeats (which also catch up) far away: only the listener's reconnect can deliver in time.
    const service = await start(await engines[1][1](), { WATCH_HEARTBEAT_MS: "60000" });
    const alice = orderClient(protocols[0][1](service.url, { sub: 1 }));
    // Resume after a first event (after_event_id 0 would mean "from now"), so the stream starts with `before`.
    await alice.createOrder({ userId: 1, itemId: 1, amount: 1 });
    const [{ id }] = (await service.db.query<{ id: string }>("SELECT max(id)::text AS id FROM order_events")) as [{ id: string }];
    const before = await alice.createOrder({ userId: 1, itemId: 1, amount: 1 });
    const stream = watching(alice, { userId: 1, afterEventId: BigInt(id) });
    await expect.poll(() => stream.changes().length).toBe(1);

    const listener = "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN \"order_events\"' AND pid <> pg_backend_pid()";
    const [old] = await service.db.query<{ pid: number }>(listener);
    expect(old).toBeDefined();
    await service.db.query(`SELECT pg_terminate_backend(pid) FROM (${listener}) l`);
    // Committed while nobody listens: its NOTIFY is lost.
    const during = await alice.createOrder({ userId: 1, itemId: 2, amount: 2 });
    await expect.poll(() => stream.changes().length, { timeout: 10_000 }).toBe(2);
    await expect.poll(async () => (await service.db.query<{ pid: number }>(listener))[0]?.pid).not.toBe(old!.pid);
    const after = await alice.createOrder({ userId: 1, itemId: 3, amount: 3 });
    await expect.poll(() => stream.changes().length).toBe(3);
    expect(stream.changes().map((e) => e.order?.id)).toEqual([before.id, during.id, after.id]);
  });
});

describe("WatchOrders as the Worker will call it: Connect streaming over plain fetch (HTTP/1.1)", () => {
  /** One Connect envelope: flags, big-endian length, then the JSON message. */
  const envelope = (flags: number, json: unknown) => {
    const body = new TextEncoder().encode(JSON.stringify(json));
    const out = new Uint8Array(5 + body.length);
    out[0] = flags;
    new DataView(out.buffer).setUint32(1, body.length);
    out.set(body, 5);
    return out;
  };

  it("streams each event as its own envelope while the response is open, and ends with the end-of-stream envelope", async () => {
    const service = await start({}, { WATCH_HEARTBEAT_MS: "60000", WATCH_IDLE_LIMIT_MS: "1500" });
    const alice = orderClient(protocols[1][1](service.url, { sub: 1 }));
    await alice.createOrder({ userId: 1, itemId: 1, amount: 1 });
    const [{ id: firstId }] = (await service.db.query<{ id: string }>("SELECT max(id)::text AS id FROM order_events")) as [{ id: string }];
    const placed = await alice.createOrder({ userId: 1, itemId: 3, amount: 1 });
    const res = await fetch(`${service.url}/orders.v1.OrderService/WatchOrders`, {
      method: "POST",
      headers: { "content-type": "application/connect+json", "connect-protocol-version": "1", authorization: await bearer({ sub: 1 }) },
      body: envelope(0, { userId: 1, afterEventId: firstId }),
    });
    expect([res.status, res.headers.get("content-type")]).toEqual([200, "application/connect+json"]);
    const reader = res.body!.getReader();
    let buffered = new Uint8Array(0);
    const frames: Array<{ flags: number; json: Record<string, unknown> }> = [];
    const nextFrame = async () => {
      for (;;) {
        if (buffered.length >= 5) {
          const length = new DataView(buffered.buffer, buffered.byteOffset).getUint32(1);
          if (buffered.length >= 5 + length) {
            const frame = { flags: buffered[0]!, json: JSON.parse(new TextDecoder().decode(buffered.subarray(5, 5 + length))) as Record<string, unknown> };
            buffered = buffered.slice(5 + length);
            frames.push(frame);
            return frame;
          }
        }
        const { value, done } = await reader.read();
        if (done) throw new Error("stream ended inside a frame");
        buffered = new Uint8Array([...buffered, ...value]);
      }
    };
    // First the live signal, then the first event, while the response is still open…
    expect(await nextFrame()).toMatchObject({ flags: 0, json: { type: "ORDER_EVENT_TYPE_HEARTBEAT" } });
    expect(await nextFrame()).toMatchObject({ flags: 0, json: { id: String(BigInt(firstId) + 1n), type: "ORDER_EVENT_TYPE_PLACED", order: { id: placed.id } } });
    // …and so does one placed after it was read.
    const later = await alice.createOrder({ userId: 1, itemId: 2, amount: 2 });
    expect(await nextFrame()).toMatchObject({ flags: 0, json: { type: "ORDER_EVENT_TYPE_PLACED", order: { id: later.id } } });
    // At the idle limit: RECONNECT, then the end-of-stream envelope (flag 2) without an error.
    expect(await nextFrame()).toMatchObject({ flags: 0, json: { type: "ORDER_EVENT_TYPE_RECONNECT" } });
    expect(await nextFrame()).toEqual({ flags: 2, json: {} });
    expect((await reader.read()).done).toBe(true);
  });
});

describe("WatchOrders access and limits", () => {
  it("lets user B not watch user A (PERMISSION_DENIED) and checks the request's rules (INVALID_ARGUMENT)", async () => {
    const service = await start({});
    const bob = orderClient(protocols[1][1](service.url, { sub: 2 }));
    expect(await watching(bob, { userId: 1 }).ended).toMatchObject({ error: { code: Code.PermissionDenied } });
    expect(await watching(bob, { userId: 0 }).ended).toMatchObject({ error: { code: Code.InvalidArgument, rawMessage: "user_id: must be greater than 0" } });
    expect(await subscriptions(service)).toBe(0);
  });

  it("refuses a caller's streams over the per-caller limit with RESOURCE_EXHAUSTED, until one ends", async () => {
    const service = await start({}, { WATCH_MAX_STREAMS_PER_CALLER: "2" });
    const alice = orderClient(protocols[0][1](service.url, { sub: 1 }));
    const two = [watching(alice, { userId: 1 }), watching(alice, { userId: 1 })];
    await expect.poll(() => two.every(isLive)).toBe(true);
    expect(await watching(alice, { userId: 1 }).ended).toMatchObject({ error: { code: Code.ResourceExhausted } });
    // Another caller is counted apart.
    const bob = watching(orderClient(protocols[0][1](service.url, { sub: 2 })), { userId: 2 });
    await expect.poll(() => isLive(bob)).toBe(true);
    two[0]!.cancel();
    await two[0]!.ended;
    const again = watching(alice, { userId: 1 });
    await expect.poll(() => isLive(again)).toBe(true);
  });

  it("sends heartbeats while idle, then RECONNECT at the idle limit and ends cleanly", async () => {
    const service = await start({}, { WATCH_HEARTBEAT_MS: "150", WATCH_IDLE_LIMIT_MS: "1000" });
    const stream = watching(orderClient(protocols[1][1](service.url, { sub: 1 })), { userId: 1 });
    expect(await stream.ended).toEqual({});
    const types = stream.events.map((e) => e.type);
    expect(types.at(-1)).toBe(OrderEventType.RECONNECT);
    expect(types.slice(0, -1).every((t) => t === OrderEventType.HEARTBEAT)).toBe(true);
    expect(types.length).toBeGreaterThanOrEqual(4);
  });

  it("ends a busy stream at its maximum lifetime with RECONNECT", async () => {
    const service = await start({}, { WATCH_HEARTBEAT_MS: "5000", WATCH_IDLE_LIMIT_MS: "60000", WATCH_MAX_LIFETIME_MS: "1000" });
    const alice = orderClient(protocols[0][1](service.url, { sub: 1 }));
    const stream = watching(alice, { userId: 1 });
    await expect.poll(() => isLive(stream)).toBe(true);
    const placed = await alice.createOrder({ userId: 1, itemId: 1, amount: 1 });
    expect(await stream.ended).toEqual({});
    expect(stream.events.at(-1)?.type).toBe(OrderEventType.RECONNECT);
    // Placed after the stream read its start: delivered before the end.
    expect(stream.changes().map((e) => e.order?.id)).toEqual([placed.id]);
  });

  it("sees a client that goes away as a cancelled call and drops its subscription within a second", async () => {
    const service = await start({});
    const stream = watching(orderClient(protocols[0][1](service.url, { sub: 1 })), { userId: 1 });
    await expect.poll(() => isLive(stream)).toBe(true);
    expect(await subscriptions(service)).toBe(1);
    stream.cancel();
    await expect.poll(() => subscriptions(service), { timeout: 1_000, interval: 50 }).toBe(0);
  });

  it("ends open streams with RECONNECT when the service drains, without holding up the drain", async () => {
    const service = await start({}, { WATCH_HEARTBEAT_MS: "200" });
    running.splice(running.indexOf(service), 1);
    const alice = orderClient(protocols[1][1](service.url, { sub: 1 }));
    const stream = watching(alice, { userId: 1 });
    // "From now" starts once the stream has read where now is: its first heartbeat says it has.
    await expect.poll(() => isLive(stream)).toBe(true);
    await alice.createOrder({ userId: 1, itemId: 1, amount: 1 });
    await expect.poll(() => stream.changes().length).toBe(1);
    expect(await service.stop(20_000)).toEqual({ drained: true });
    expect(await stream.ended).toEqual({});
    expect(stream.events.at(-1)?.type).toBe(OrderEventType.RECONNECT);
  });
});
