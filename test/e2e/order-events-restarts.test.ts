// Restarts of the order service under open Server-Sent Events streams, through the edge: real
// workerd, both services as processes (`node services/<name>/src/main.ts`), the order service
// on a PostgreSQL database of the run's cluster. Three SSE clients (two of one user, one of
// another) stream GET /api/users/{userId}/orders:watch; SIGTERM ends each stream with a
// `reconnect` event and a clean end; while no order service is up a reconnect is a 503
// problem+json; a new process on the same port and database takes over, the clients reconnect
// with Last-Event-ID, and over the whole run each received exactly the changes the REST API
// reports for its user — none lost, none repeated. A SIGKILL instead (the stream breaks off
// with no RECONNECT from the service) ends the stream with `event: error` (unavailable) and a
// clean end, and the client resumes just the same. The same SIGTERM ends streams at the RPC
// path (Connect and gRPC-Web through the Worker) with the RECONNECT message and a clean end.
import { ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-web";
import { OrderEventType, OrderService, type OrderEvent } from "@grpc-edge/proto/orders/v1";
import { usePostgresCluster } from "@grpc-edge/service-kit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearerFor } from "../../workers/gateway/test/jwt-test-kit.ts";
import { startGateway, type RunningGateway } from "../../workers/gateway/test/start-gateway.ts";
import { openEventStream, type EventStream, type StreamEvent } from "./open-event-stream.ts";
import { byOrder, cancelOrder, changesReported, changesSeen, expectFaithfulLog, placeOrder, restOrders } from "./order-changes.ts";
import { killAllServices, spawnService, type ServiceProcess } from "./service-process.ts";

// A heartbeat soon after subscribing: the edge answers with the stream's first message.
const orderEnv = { WATCH_HEARTBEAT_MS: "300" };

let orderDbUrl: string;
let order: ServiceProcess;
let user: ServiceProcess;
let gateway: RunningGateway;

beforeAll(async () => {
  orderDbUrl = await (await usePostgresCluster()).createDatabase("order_events_sigterm");
  order = await spawnService("order", { ...orderEnv, DATABASE_URL: orderDbUrl });
  user = await spawnService("user", { ORDER_SERVICE_URL: order.url });
  gateway = await startGateway({ userServiceUrl: user.url, orderServiceUrl: order.url, vars: { PUBLIC_READS: "false", EDGE_CACHE_TTL_SECONDS: "0" } });
}, 120_000);
afterAll(async () => {
  await gateway?.stop();
  await killAllServices();
});

/** An SSE client that keeps every connection it made, and resumes from the last event id it saw. */
interface Watcher {
  userId: number;
  auth: Record<string, string>;
  connections: EventStream[];
}

const current = (w: Watcher) => w.connections.at(-1)!;
const received = (w: Watcher): StreamEvent[] => w.connections.flatMap((c) => c.events);
const lastEventId = (w: Watcher) => received(w).at(-1)?.lastEventId;
const watchUrl = (userId: number) => `${gateway.url}/api/users/${userId}/orders:watch`;

async function connect(w: Watcher): Promise<void> {
  const stream = await openEventStream(watchUrl(w.userId), w.auth, lastEventId(w));
  expect([stream.status, stream.contentType], stream.refusal).toEqual([200, "text/event-stream; charset=utf-8"]);
  w.connections.push(stream);
  // Live once the first message (a heartbeat comment) is there: a change committed from now on arrives.
  await expect.poll(() => stream.comments, { timeout: 5_000 }).toBeGreaterThan(0);
}

/** A WatchOrders stream at the Worker's RPC path: every message kept, and how it ended (never rejects). */
function rpcWatch(transport: Transport, auth: Record<string, string>) {
  const abort = new AbortController();
  const messages: OrderEvent[] = [];
  const ended = (async () => {
    try {
      for await (const message of createClient(OrderService, transport).watchOrders({ userId: 1 }, { headers: auth, signal: abort.signal })) messages.push(message);
      return "clean";
    } catch (err) {
      return `error: ${ConnectError.from(err).code}`;
    }
  })();
  return { messages, ended, close: () => abort.abort() };
}

describe("restarts of the order service under SSE streams at the edge", { timeout: 60_000 }, () => {
  it("ends each stream with event: reconnect and a clean end; after a restart the clients resume from Last-Event-ID without losing or repeating a change", async () => {
    const petar = await bearerFor("1");
    const jovan = await bearerFor("2");
    const watchers: Watcher[] = [
      { userId: 1, auth: petar, connections: [] },
      { userId: 1, auth: petar, connections: [] },
      { userId: 2, auth: jovan, connections: [] },
    ];
    const authOf = (userId: number) => (userId === 1 ? petar : jovan);
    const madeBy = new Map<number, Set<number>>([
      [1, new Set()],
      [2, new Set()],
    ]);
    const place = async (userId: number) => {
      const id = await placeOrder(gateway.url, authOf(userId), userId);
      madeBy.get(userId)!.add(id);
      return id;
    };
    const changesOf = (w: Watcher) => changesSeen(received(w)).length;
    const expected = async (userId: number) => changesReported(await restOrders(gateway.url, authOf(userId), userId), madeBy.get(userId)!);

    // Before: changes arrive live.
    for (const w of watchers) await connect(w);
    // And at the RPC path, over Connect (JSON) and gRPC-Web, live once a heartbeat came through.
    const rpcWatchers = [createConnectTransport({ baseUrl: gateway.url }), createGrpcWebTransport({ baseUrl: gateway.url })].map((t) => rpcWatch(t, petar));
    for (const r of rpcWatchers) await expect.poll(() => r.messages.length, { timeout: 5_000 }).toBeGreaterThan(0);
    const early = await place(1);
    await place(1);
    const jovans = await place(2);
    await cancelOrder(gateway.url, petar, early);
    for (const w of watchers) await expect.poll(() => changesOf(w), { timeout: 5_000 }).toBe(w.userId === 1 ? 3 : 1);

    // SIGTERM: every stream gets `event: reconnect` and then its end — not an error, not a hang.
    const old = order;
    old.signal("SIGTERM");
    for (const w of watchers) {
      expect(await current(w).ended).toEqual({ clean: true });
      const last = current(w).events.at(-1)!;
      expect(last.event).toBe("reconnect");
      expect(JSON.parse(last.data)).toMatchObject({ type: "ORDER_EVENT_TYPE_RECONNECT" });
      expect(last.ownId).toBeUndefined();
    }
    for (const r of rpcWatchers) {
      expect(await r.ended).toBe("clean");
      const kinds = r.messages.map((m) => m.type).filter((t) => t !== OrderEventType.HEARTBEAT);
      expect(kinds).toEqual([OrderEventType.PLACED, OrderEventType.PLACED, OrderEventType.CANCELLED, OrderEventType.RECONNECT]);
    }
    expect(await old.exited).toBe(0);
    expect(old.output()).toContain('"drained":true');

    // No order service: a reconnect is refused with 503 problem+json (EventSource would stop there).
    const refused = await openEventStream(watchUrl(1), petar, lastEventId(watchers[0]!));
    expect([refused.status, refused.contentType]).toEqual([503, "application/problem+json"]);
    expect(JSON.parse(refused.refusal!)).toMatchObject({ code: "unavailable" });

    // A new process on the same port and database; the user service's channel finds it.
    order = await spawnService("order", { ...orderEnv, DATABASE_URL: orderDbUrl }, old.port);
    await expect.poll(async () => (await fetch(`${gateway.url}/api/users/1/orders`, { headers: petar }).then((r) => r.arrayBuffer().then(() => r.status))), { timeout: 10_000 }).toBe(200);
    // Changes while the clients are away…
    await place(1);
    await place(2);
    // …arrive once they are back with Last-Event-ID; then live ones too.
    for (const w of watchers) await connect(w);
    for (const w of watchers) await expect.poll(() => changesOf(w), { timeout: 5_000 }).toBe(w.userId === 1 ? 4 : 2);
    await place(1);
    await cancelOrder(gateway.url, jovan, jovans);
    for (const w of watchers) await expect.poll(() => changesOf(w), { timeout: 5_000 }).toBe(w.userId === 1 ? 5 : 3);

    for (const w of watchers) {
      expect(byOrder(changesSeen(received(w)))).toEqual(await expected(w.userId));
      expectFaithfulLog(received(w));
      // Exactly one reconnect, which came between the two connections.
      expect(received(w).filter((e) => e.event !== "placed" && e.event !== "cancelled").map((e) => e.event)).toEqual(["reconnect"]);
      current(w).close();
    }
    expect((await expected(1)).length + (await expected(2)).length).toBe(8);
  });

  it("SIGKILL instead: the stream ends with event: error (unavailable) and a clean end; the client resumes on the next process without loss or repeat", async () => {
    const petar = await bearerFor("1");
    const watcher: Watcher = { userId: 1, auth: petar, connections: [] };
    const made = new Set<number>();
    const place = async () => made.add(await placeOrder(gateway.url, petar, 1));
    await connect(watcher);
    await place();
    await expect.poll(() => changesSeen(received(watcher)).length, { timeout: 5_000 }).toBe(1);

    const old = order;
    await old.kill();
    expect(await current(watcher).ended).toEqual({ clean: true });
    const last = current(watcher).events.at(-1)!;
    expect([last.event, last.ownId]).toEqual(["error", undefined]);
    expect(JSON.parse(last.data)).toMatchObject({ code: "unavailable" });

    order = await spawnService("order", { ...orderEnv, DATABASE_URL: orderDbUrl }, old.port);
    await expect.poll(async () => (await fetch(`${gateway.url}/api/users/1/orders`, { headers: petar }).then((r) => r.arrayBuffer().then(() => r.status))), { timeout: 10_000 }).toBe(200);
    await place();
    await connect(watcher);
    await place();
    await expect.poll(() => changesSeen(received(watcher)).length, { timeout: 5_000 }).toBe(3);
    current(watcher).close();
    expect(byOrder(changesSeen(received(watcher)))).toEqual(changesReported(await restOrders(gateway.url, petar, 1), made));
    expectFaithfulLog(received(watcher));
  });
});
