// WatchOrders at the edge: GET /api/users/{userId}/orders:watch as Server-Sent Events
// (and NDJSON), through the gateway in workerd, straight to the order service over
// Connect streaming on HTTP/1.1; orders placed and cancelled through the REST API.
import { Validator } from "@seriousme/openapi-schema-validator";
import { orderServiceDefinition } from "@grpc-edge/order-service";
import { startService, type RunningService } from "@grpc-edge/service-kit";
import { TEST_SERVICE_TOKEN_SECRET } from "@grpc-edge/service-kit/testing";
import { settledWatchCancellations, watchCancellations } from "./watch-cancellations.ts";
import { userServiceDefinition } from "@grpc-edge/user-service";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { mintJwt } from "../../workers/gateway/test/jwt-test-kit.ts";
import { startGateway, type RunningGateway } from "../../workers/gateway/test/start-gateway.ts";

const env = { PORT: "0", METRICS_PORT: "0", PGLITE_DATA_DIR: "memory://", SEED_DEMO_DATA: "true", LOG_LEVEL: "silent", SERVICE_TOKEN_SECRET: TEST_SERVICE_TOKEN_SECRET };

let order: RunningService;
let user: RunningService;
let gateway: RunningGateway;
let shortDeadline: RunningGateway;
let petar: Record<string, string>;

beforeAll(async () => {
  order = await startService(orderServiceDefinition, { ...env, WATCH_HEARTBEAT_MS: "300" });
  user = await startService(userServiceDefinition, { ...env, ORDER_SERVICE_URL: order.url });
  [gateway, shortDeadline] = await Promise.all([
    startGateway({ userServiceUrl: user.url, orderServiceUrl: order.url, vars: { PUBLIC_READS: "false" } }),
    startGateway({ userServiceUrl: user.url, orderServiceUrl: order.url, vars: { PUBLIC_READS: "false", UPSTREAM_TIMEOUT_MS: "200" } }),
  ]);
  petar = { authorization: `Bearer ${await mintJwt({ sub: "1" })}` };
});
afterAll(async () => {
  await Promise.all([gateway?.stop(), shortDeadline?.stop()]);
  await user?.stop(1_000);
  await order?.stop(1_000);
});

/** An open stream, read block by block ("\n\n"-separated) as a browser's EventSource would. */
interface OpenStream {
  status: number;
  type: string | null;
  next(): Promise<string>;
  close(): void;
}
const open: OpenStream[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

async function watch(userId: number, headers: Record<string, string> = {}, via = gateway): Promise<OpenStream> {
  const abort = new AbortController();
  const res = await fetch(`${via.url}/api/users/${userId}/orders:watch`, { headers: { accept: "text/event-stream", ...headers }, signal: abort.signal });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const stream: OpenStream = {
    status: res.status,
    type: res.headers.get("content-type"),
    async next() {
      for (;;) {
        const end = text.indexOf("\n\n");
        if (end !== -1) {
          const block = text.slice(0, end);
          text = text.slice(end + 2);
          return block;
        }
        const { done, value } = await reader.read();
        if (done) throw new Error(`stream ended; left: ${text}`);
        text += decoder.decode(value, { stream: true });
      }
    },
    close: () => abort.abort(),
  };
  open.push(stream);
  return stream;
}

/** The next event block that is not a heartbeat comment, as its fields. */
async function nextEvent(stream: OpenStream): Promise<{ id?: string; event?: string; data?: any }> {
  for (;;) {
    const block = await stream.next();
    if (block.startsWith(":") || block.startsWith("retry:")) continue;
    const fields = Object.fromEntries(block.split("\n").map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1).trim()]));
    return { id: fields.id, event: fields.event, data: fields.data === undefined ? undefined : JSON.parse(fields.data) };
  }
}

async function placeOrder(itemId: number): Promise<{ id: number }> {
  const res = await fetch(`${gateway.url}/api/users/1/orders`, { method: "POST", headers: { ...petar, "content-type": "application/json" }, body: JSON.stringify({ itemId, amount: 1 }) });
  expect(res.status).toBeLessThan(300);
  return (await res.json()) as { id: number };
}

describe("GET /api/users/{userId}/orders:watch through workerd", () => {
  it("streams the events of orders placed and cancelled through REST, with retry:, ids and heartbeat comments", async () => {
    const stream = await watch(1, petar);
    expect([stream.status, stream.type]).toEqual([200, "text/event-stream; charset=utf-8"]);
    const blocks: string[] = [];
    // The first block sets the reconnect delay; heartbeats keep an idle stream open.
    blocks.push(await stream.next(), await stream.next());
    expect(blocks[0]).toMatch(/^retry: \d+$/);
    expect(blocks[1]).toBe(": heartbeat");
    const placed = await placeOrder(2);
    const placedEvent = await nextEvent(stream);
    expect(placedEvent).toMatchObject({ event: "placed", id: expect.stringMatching(/^\d+$/), data: { type: "ORDER_EVENT_TYPE_PLACED", order: { id: placed.id, userId: 1 } } });
    const cancel = await fetch(`${gateway.url}/api/orders/${placed.id}:cancel`, { method: "POST", headers: petar });
    expect(cancel.status).toBe(200);
    await cancel.arrayBuffer();
    const cancelledEvent = await nextEvent(stream);
    expect(cancelledEvent).toMatchObject({ event: "cancelled", data: { order: { id: placed.id, status: "ORDER_STATUS_CANCELLED" } } });
    expect(BigInt(cancelledEvent.id!)).toBeGreaterThan(BigInt(placedEvent.id!));
  });

  it("Last-Event-ID resumes after the last event seen: what happened meanwhile, once, in order", async () => {
    const first = await watch(1, petar);
    const seen = await placeOrder(1);
    const seenEvent = await nextEvent(first);
    expect(seenEvent.data.order.id).toBe(seen.id);
    first.close();
    const missed = [await placeOrder(2), await placeOrder(3)];
    const resumed = await watch(1, { ...petar, "last-event-id": seenEvent.id! });
    const events = [await nextEvent(resumed), await nextEvent(resumed)];
    expect(events.map((e) => [e.event, e.data.order.id])).toEqual(missed.map((o) => ["placed", o.id]));
    expect(events.map((e) => BigInt(e.id!) - BigInt(seenEvent.id!))).toEqual([1n, 2n]);
  });

  it("the upstream deadline (UPSTREAM_TIMEOUT_MS 200) does not cut a healthy stream", async () => {
    const stream = await watch(1, petar, shortDeadline);
    // Five heartbeats 300 ms apart: the stream has outlived the deadline several times over.
    for (let i = 0; i < 6; i++) await stream.next();
    const placed = await placeOrder(3);
    expect(await nextEvent(stream)).toMatchObject({ event: "placed", data: { order: { id: placed.id } } });
  });

  it("NDJSON for Accept: application/x-ndjson", async () => {
    const abort = new AbortController();
    const res = await fetch(`${gateway.url}/api/users/1/orders:watch`, { headers: { ...petar, accept: "application/x-ndjson" }, signal: abort.signal });
    expect(res.headers.get("content-type")).toBe("application/x-ndjson");
    const reader = res.body!.getReader();
    const { value } = await reader.read();
    const line = new TextDecoder().decode(value).split("\n")[0]!;
    expect(JSON.parse(line)).toMatchObject({ type: "ORDER_EVENT_TYPE_HEARTBEAT" });
    abort.abort();
  });

  it("a client that goes away is seen as a cancelled call at the order service", async () => {
    const canceled = watchCancellations(order.metricsUrl!);
    const before = await settledWatchCancellations(order.metricsUrl!);
    const stream = await watch(1, petar);
    await stream.next();
    stream.close();
    await expect.poll(canceled, { timeout: 5_000 }).toBe(before + 1);
  });

  it("problem+json before the first event: no token, a bad user id, a bad Last-Event-ID, someone else's orders", async () => {
    const cases: [number, Record<string, string>, number, string][] = [
      [1, {}, 401, "unauthenticated"],
      [0, petar, 400, "invalid_argument"],
      [1, { ...petar, "last-event-id": "yesterday" }, 400, "invalid_argument"],
      [2, petar, 403, "permission_denied"],
    ];
    for (const [userId, headers, status, code] of cases) {
      const res = await fetch(`${gateway.url}/api/users/${userId}/orders:watch`, { headers });
      expect([res.status, res.headers.get("content-type")]).toEqual([status, "application/problem+json"]);
      expect(await res.json()).toMatchObject({ code });
    }
  });

  it("at most 5 open streams per caller in an isolate: the sixth is 429", async () => {
    const mila = { authorization: `Bearer ${await mintJwt({ sub: "2" })}` };
    const streams = await Promise.all([1, 2, 3, 4, 5].map(() => watch(2, mila)));
    expect(streams.map((s) => s.status)).toEqual([200, 200, 200, 200, 200]);
    const sixth = await fetch(`${gateway.url}/api/users/2/orders:watch`, { headers: mila });
    expect(sixth.status).toBe(429);
    expect(await sixth.json()).toMatchObject({ code: "resource_exhausted" });
  });

  it("/openapi.json describes the text/event-stream answer", async () => {
    const doc = (await (await fetch(`${gateway.url}/openapi.json`)).json()) as any;
    const op = doc.paths["/api/users/{userId}/orders:watch"].get;
    expect(Object.keys(op.responses["200"].content)).toEqual(["text/event-stream", "application/x-ndjson"]);
    expect(op.parameters.map((p: { name: string }) => p.name)).toContain("Last-Event-ID");
    // Still a valid OpenAPI 3.1 document with the stream in it.
    expect((await new Validator().validate(doc)).valid).toBe(true);
  });
});
