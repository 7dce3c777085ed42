// Server streaming at the RPC path through the edge: orders.v1.OrderService/WatchOrders for
// Connect streaming (JSON and binary) and gRPC-Web (binary and text), @connectrpc/connect-web
// clients in Node against the gateway in workerd, in front of the real user and order services.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { base64Decode, base64Encode } from "@bufbuild/protobuf/wire";
import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-web";
import { orderServiceDefinition } from "@grpc-edge/order-service";
import { OrderEventSchema, OrderEventType, OrderService, OrderStatus, WatchOrdersRequestSchema, type OrderEvent } from "@grpc-edge/proto/orders/v1";
import { UserService } from "@grpc-edge/proto/user/v1";
import { startService, type RunningService } from "@grpc-edge/service-kit";
import { TEST_SERVICE_TOKEN_SECRET } from "@grpc-edge/service-kit/testing";
import { settledWatchCancellations, watchCancellations } from "./watch-cancellations.ts";
import { userServiceDefinition } from "@grpc-edge/user-service";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { mintJwt } from "../../workers/gateway/test/jwt-test-kit.ts";
import { startGateway, type RunningGateway } from "../../workers/gateway/test/start-gateway.ts";

const env = { PORT: "0", METRICS_PORT: "0", PGLITE_DATA_DIR: "memory://", SEED_DEMO_DATA: "true", LOG_LEVEL: "silent", SERVICE_TOKEN_SECRET: TEST_SERVICE_TOKEN_SECRET };
const watchPath = "/orders.v1.OrderService/WatchOrders";

let order: RunningService;
let user: RunningService;
let gateway: RunningGateway;
let petar: { authorization: string };

beforeAll(async () => {
  // Heartbeats every 300 ms: a test sees them pass the edge without waiting long.
  order = await startService(orderServiceDefinition, { ...env, WATCH_HEARTBEAT_MS: "300" });
  user = await startService(userServiceDefinition, { ...env, ORDER_SERVICE_URL: order.url });
  gateway = await startGateway({ userServiceUrl: user.url, orderServiceUrl: order.url, vars: { PUBLIC_READS: "false" }, onLog: () => {} });
  petar = { authorization: `Bearer ${await mintJwt({ sub: "1" })}` };
});
afterAll(async () => {
  await gateway?.stop();
  await user?.stop(1_000);
  await order?.stop(1_000);
});

const opened: AbortController[] = [];
afterEach(() => {
  for (const abort of opened.splice(0)) abort.abort();
});

/** A WatchOrders stream read event by event; closed after each test. */
function watch(transport: Transport, userId: number, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  opened.push(abort);
  const events = createClient(OrderService, transport).watchOrders({ userId }, { headers, signal: abort.signal })[Symbol.asyncIterator]();
  return {
    next: async (): Promise<OrderEvent> => {
      const { done, value } = await events.next();
      if (done) throw new Error("the stream ended");
      return value;
    },
    close: () => abort.abort(),
  };
}

/** The next event that is not a heartbeat. */
async function nextOrderEvent(stream: ReturnType<typeof watch>): Promise<OrderEvent> {
  for (;;) {
    const event = await stream.next();
    if (event.type !== OrderEventType.HEARTBEAT) return event;
  }
}

/** The first error a stream gives, as a ConnectError. */
async function streamError(stream: ReturnType<typeof watch>): Promise<ConnectError> {
  const err = await stream.next().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConnectError);
  return err as ConnectError;
}

async function restCall(path: string, init: RequestInit = {}): Promise<any> {
  const res = await fetch(`${gateway.url}${path}`, { ...init, headers: { ...petar, "content-type": "application/json", ...init.headers } });
  expect(res.status).toBeLessThan(300);
  return res.json();
}

type LogLine = { path?: string; status?: number; requestId?: string; rpc?: string; rpcCode?: string };
const accessLines = (): LogLine[] =>
  gateway.logs
    .flatMap((l) => l.message.split("\n"))
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as LogLine)
    .filter((line) => line.path !== undefined);
const lineOf = (requestId: string | null) => accessLines().find((line) => line.requestId === requestId);

const transports: Record<string, () => Transport> = {
  "Connect JSON": () => createConnectTransport({ baseUrl: gateway.url }),
  "Connect binary": () => createConnectTransport({ baseUrl: gateway.url, useBinaryFormat: true }),
  "gRPC-Web": () => createGrpcWebTransport({ baseUrl: gateway.url }),
};

describe.each(Object.entries(transports))("WatchOrders over %s through workerd → order service", (_, transport) => {
  it("streams heartbeats, then the events of an order placed and cancelled through REST", async () => {
    const stream = watch(transport(), 1, petar);
    // Two heartbeats in a row: what keeps idle balancers from cutting the stream gets through the edge.
    expect([(await stream.next()).type, (await stream.next()).type]).toEqual([OrderEventType.HEARTBEAT, OrderEventType.HEARTBEAT]);
    const placed = await restCall("/api/users/1/orders", { method: "POST", body: JSON.stringify({ itemId: 2, amount: 1 }) });
    const placedEvent = await nextOrderEvent(stream);
    expect(placedEvent).toMatchObject({ type: OrderEventType.PLACED, order: { id: placed.id, userId: 1 } });
    await restCall(`/api/orders/${placed.id}:cancel`, { method: "POST" });
    const cancelledEvent = await nextOrderEvent(stream);
    expect(cancelledEvent).toMatchObject({ type: OrderEventType.CANCELLED, order: { id: placed.id, status: OrderStatus.CANCELLED } });
    expect(cancelledEvent.id).toBeGreaterThan(placedEvent.id);
  });

  it("no token: unauthenticated, in the protocol's own format", async () => {
    expect((await streamError(watch(transport(), 1))).code).toBe(Code.Unauthenticated);
  });

  it("another user's orders: permission denied, recorded as such in the edge's access log", async () => {
    const err = await streamError(watch(transport(), 2, petar));
    expect(err.code).toBe(Code.PermissionDenied);
    await expect.poll(() => lineOf(err.metadata.get("x-request-id"))).toMatchObject({ path: watchPath, rpc: "orders.v1.OrderService/WatchOrders", rpcCode: "permission_denied" });
  });

  it("a request the contract rejects: invalid_argument naming the field, and no upstream call", async () => {
    const err = await streamError(watch(transport(), 0, petar));
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.rawMessage).toMatch(/user_?id/i);
    await expect.poll(() => lineOf(err.metadata.get("x-request-id"))).toMatchObject({ path: watchPath });
    expect(lineOf(err.metadata.get("x-request-id"))?.rpc).toBeUndefined();
  });
});

describe("WatchOrders at the RPC path: what the edge adds", () => {
  const canceled = () => watchCancellations(order.metricsUrl!)();

  it.each(Object.entries(transports))("a %s client that goes away is seen as a cancelled call at the order service, and logged as canceled", async (_, transport) => {
    const before = await settledWatchCancellations(order.metricsUrl!);
    const linesBefore = accessLines().length;
    const stream = watch(transport(), 1, petar);
    await stream.next();
    stream.close();
    await expect.poll(canceled, { timeout: 5_000 }).toBe(before + 1);
    // The access log line is written when the stream has ended, with how it ended.
    await expect.poll(() => accessLines().slice(linesBefore).find((line) => line.path === watchPath)).toMatchObject({ status: 200, rpcCode: "canceled" });
  });

  it("gRPC-Web text: the request in base64, and the answer's frames in base64 as they come (the first: a heartbeat)", async () => {
    const message = toBinary(WatchOrdersRequestSchema, create(WatchOrdersRequestSchema, { userId: 1 }));
    const request = new Uint8Array(5 + message.byteLength);
    new DataView(request.buffer).setUint32(1, message.byteLength);
    request.set(message, 5);
    const abort = new AbortController();
    opened.push(abort);
    const res = await fetch(`${gateway.url}${watchPath}`, {
      method: "POST",
      headers: { ...petar, "content-type": "application/grpc-web-text", "x-grpc-web": "1" },
      body: base64Encode(request),
      signal: abort.signal,
    });
    expect([res.status, res.headers.get("content-type")]).toEqual([200, "application/grpc-web-text+proto"]);
    const reader = res.body!.getReader();
    const { value } = await reader.read();
    const frame = base64Decode(new TextDecoder().decode(value));
    const length = new DataView(frame.buffer, frame.byteOffset).getUint32(1);
    expect(frame[0]).toBe(0);
    expect(fromBinary(OrderEventSchema, frame.subarray(5, 5 + length)).type).toBe(OrderEventType.HEARTBEAT);
  });

  it("a body over the limit: resource_exhausted in the end-of-stream message, before any upstream call", async () => {
    const json = new TextEncoder().encode(JSON.stringify({ userId: 1, pad: "x".repeat(70_000) }));
    const body = new Uint8Array(5 + json.byteLength);
    new DataView(body.buffer).setUint32(1, json.byteLength);
    body.set(json, 5);
    const res = await fetch(`${gateway.url}${watchPath}`, { method: "POST", headers: { ...petar, "content-type": "application/connect+json" }, body });
    expect([res.status, res.headers.get("content-type")]).toEqual([200, "application/connect+json"]);
    const answer = new Uint8Array(await res.arrayBuffer());
    expect(answer[0]).toBe(0b10);
    expect(JSON.parse(new TextDecoder().decode(answer.subarray(5)))).toMatchObject({ error: { code: "resource_exhausted" } });
    expect(lineOf(res.headers.get("x-request-id"))?.rpc).toBeUndefined();
  });

  it("a Connect unary media type at the stream's path: unsupported, in Connect's format", async () => {
    const res = await fetch(`${gateway.url}${watchPath}`, { method: "POST", headers: { ...petar, "content-type": "application/json" }, body: '{"userId":1}' });
    expect([res.status, res.headers.get("content-type")]).toEqual([400, "application/json"]);
    expect(await res.json()).toMatchObject({ code: "invalid_argument", message: expect.stringMatching(/application\/connect\+json/) });
  });

  it("at most 5 open streams per caller in an isolate, REST and RPC streams counted together: the next is resource_exhausted", async () => {
    const mila = { authorization: `Bearer ${await mintJwt({ sub: "2" })}` };
    const rest = await Promise.all(
      [1, 2].map(async () => {
        const abort = new AbortController();
        opened.push(abort);
        return fetch(`${gateway.url}/api/users/2/orders:watch`, { headers: mila, signal: abort.signal });
      }),
    );
    expect(rest.map((r) => r.status)).toEqual([200, 200]);
    const rpc = [1, 2, 3].map(() => watch(createGrpcWebTransport({ baseUrl: gateway.url }), 2, mila));
    expect((await Promise.all(rpc.map((s) => s.next()))).map((e) => e.type)).toEqual([OrderEventType.HEARTBEAT, OrderEventType.HEARTBEAT, OrderEventType.HEARTBEAT]);
    const sixth = await streamError(watch(createConnectTransport({ baseUrl: gateway.url }), 2, mila));
    expect(sixth.code).toBe(Code.ResourceExhausted);
    expect(sixth.metadata.get("retry-after")).toBe("5");
  });
});

describe("the access log records how a call really ended", () => {
  it("a REST event stream's line is written when it ends, as canceled when the client went away", async () => {
    const abort = new AbortController();
    const res = await fetch(`${gateway.url}/api/users/1/orders:watch`, { headers: { ...petar, "x-request-id": "sse-gone-1" }, signal: abort.signal });
    expect(res.status).toBe(200);
    await res.body!.getReader().read();
    expect(lineOf("sse-gone-1")).toBeUndefined();
    abort.abort();
    await expect.poll(() => lineOf("sse-gone-1")).toMatchObject({ path: "/api/users/1/orders:watch", status: 200, rpcCode: "canceled" });
  });

  it("a unary gRPC-Web call refused by the service is logged with the service's code, not ok", async () => {
    const users = createClient(UserService, createGrpcWebTransport({ baseUrl: gateway.url }));
    const err = await users.getUserById({ id: 2 }, { headers: petar }).catch((e: unknown) => e);
    expect((err as ConnectError).code).toBe(Code.PermissionDenied);
    await expect.poll(() => lineOf((err as ConnectError).metadata.get("x-request-id"))).toMatchObject({ path: "/user.v1.UserService/GetUserById", rpcCode: "permission_denied" });
  });
});
