// Connect and gRPC-Web at the edge, end to end: @connectrpc/connect-web clients in Node
// against the gateway in workerd, in front of the real user and order services (PGlite).
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { base64Decode, base64Encode } from "@bufbuild/protobuf/wire";
import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-web";
import { orderServiceDefinition } from "@grpc-edge/order-service";
import { GetItemRequestSchema, ItemSchema, OrderService, OrderStatus } from "@grpc-edge/proto/orders/v1";
import { UserService } from "@grpc-edge/proto/user/v1";
import { startService, type RunningService } from "@grpc-edge/service-kit";
import { TEST_SERVICE_TOKEN_SECRET } from "@grpc-edge/service-kit/testing";
import { userServiceDefinition } from "@grpc-edge/user-service";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintJwt } from "../../workers/gateway/test/jwt-test-kit.ts";
import { startGateway, type RunningGateway } from "../../workers/gateway/test/start-gateway.ts";

const env = { PORT: "0", METRICS_PORT: "0", PGLITE_DATA_DIR: "memory://", SEED_DEMO_DATA: "true", LOG_LEVEL: "silent", SERVICE_TOKEN_SECRET: TEST_SERVICE_TOKEN_SECRET };
const browserOrigin = "https://app.example";

let order: RunningService;
let user: RunningService;
let gateway: RunningGateway;
let cached: RunningGateway;
let limited: RunningGateway;
let petarToken: string;

beforeAll(async () => {
  order = await startService(orderServiceDefinition, env);
  user = await startService(userServiceDefinition, { ...env, ORDER_SERVICE_URL: order.url });
  [gateway, cached, limited] = await Promise.all([
    startGateway({ userServiceUrl: user.url, orderServiceUrl: order.url, vars: { CORS_ALLOWED_ORIGINS: browserOrigin, PUBLIC_READS: "false", EDGE_CACHE_TTL_SECONDS: "0" } }),
    startGateway({ userServiceUrl: user.url, orderServiceUrl: order.url, vars: { PUBLIC_READS: "false", EDGE_CACHE_TTL_SECONDS: "30" } }),
    startGateway({ userServiceUrl: user.url, orderServiceUrl: order.url, rateLimit: { limit: 2, period: 60 } }),
  ]);
  petarToken = await mintJwt({ sub: "1" });
});
afterAll(async () => {
  await Promise.all([gateway?.stop(), cached?.stop(), limited?.stop()]);
  await user?.stop(1_000);
  await order?.stop(1_000);
});

/** Every request a client sends, as method and content type, so a test can tell which wire form it used. */
const sent: { method: string; contentType: string | null }[] = [];
const recordingFetch: typeof fetch = (input, init) => {
  sent.push({ method: init?.method ?? "GET", contentType: new Headers(init?.headers).get("content-type") });
  return fetch(input, init);
};

const withToken = (token: string | undefined) => (token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });

const transports: Record<string, () => Transport> = {
  "Connect JSON": () => createConnectTransport({ baseUrl: gateway.url, fetch: recordingFetch }),
  "Connect binary": () => createConnectTransport({ baseUrl: gateway.url, useBinaryFormat: true, fetch: recordingFetch }),
  "gRPC-Web": () => createGrpcWebTransport({ baseUrl: gateway.url, fetch: recordingFetch }),
};

describe.each(Object.entries(transports))("%s through workerd → services", (_, transport) => {
  it("reads a user with her orders, with a token", async () => {
    const users = createClient(UserService, transport());
    const { user: petar } = await users.getUserById({ id: 1 }, withToken(petarToken));
    expect(petar?.email).toBe("petar.petrovic@gmail.com");
    // The seeded three first (other tests place more).
    expect(petar?.orders.slice(0, 3).map((o) => o.item?.name)).toEqual(["pencil", "book", "magic stick"]);
  });

  it("places and cancels an order for herself (writes go to the user service, then the order service)", async () => {
    const orders = createClient(OrderService, transport());
    const placed = await orders.createOrder({ userId: 1, itemId: 2, amount: 3 }, withToken(petarToken));
    expect(placed).toMatchObject({ userId: 1, amount: 3, status: OrderStatus.PLACED });
    const cancelled = await orders.cancelOrder({ id: placed.id }, withToken(petarToken));
    expect(cancelled).toMatchObject({ id: placed.id, status: OrderStatus.CANCELLED });
  });

  it("a write without a token: unauthenticated, in the protocol's own format", async () => {
    const users = createClient(UserService, transport());
    const err = await users.createUser({ firstName: "Ana", lastName: "Anic", email: "ana@example.com" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(Code.Unauthenticated);
  });

  it("a read of someone else's user without a right to: unauthenticated when anonymous, permission denied with a token", async () => {
    const users = createClient(UserService, transport());
    const anonymous = await users.getUserById({ id: 2 }).catch((e: unknown) => e);
    expect((anonymous as ConnectError).code).toBe(Code.Unauthenticated);
    const other = await users.getUserById({ id: 2 }, withToken(petarToken)).catch((e: unknown) => e);
    expect((other as ConnectError).code).toBe(Code.PermissionDenied);
  });

  it("an internal RPC is not found, even with an admin token", async () => {
    const orders = createClient(OrderService, transport());
    const admin = await mintJwt({ sub: "1", scope: "admin" });
    const err = await orders.getOrdersByUserIds({ userIds: [1] }, withToken(admin)).catch((e: unknown) => e);
    expect((err as ConnectError).code).toBe(Code.NotFound);
  });

  it("a message the contract rejects: invalid_argument naming the field", async () => {
    const orders = createClient(OrderService, transport());
    const err = await orders.createOrder({ userId: 1, itemId: 2, amount: 0 }, withToken(petarToken)).catch((e: unknown) => e);
    expect((err as ConnectError).code).toBe(Code.InvalidArgument);
    expect((err as ConnectError).rawMessage).toMatch(/amount/);
  });
});

describe("Connect GET and gRPC-Web text", () => {
  it("Connect GET for a NO_SIDE_EFFECTS read", async () => {
    sent.length = 0;
    const items = createClient(OrderService, createConnectTransport({ baseUrl: gateway.url, useHttpGet: true, fetch: recordingFetch }));
    expect((await items.getItem({ id: 2 }, withToken(petarToken))).name).toBe("book");
    expect(sent.map((r) => r.method)).toEqual(["GET"]);
  });

  it("Connect GET of a write: refused (unimplemented) in Connect's format", async () => {
    const res = await fetch(`${gateway.url}/orders.v1.OrderService/CancelOrder?connect=v1&encoding=json&message=${encodeURIComponent('{"id":1}')}`, {
      headers: { authorization: `Bearer ${petarToken}` },
    });
    expect(res.status).not.toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.json()).toMatchObject({ code: "unimplemented" });
  });

  it("gRPC-Web text: base64 both ways", async () => {
    const message = toBinary(GetItemRequestSchema, create(GetItemRequestSchema, { id: 3 }));
    const envelope = new Uint8Array(5 + message.byteLength);
    new DataView(envelope.buffer).setUint32(1, message.byteLength);
    envelope.set(message, 5);
    const res = await fetch(`${gateway.url}/orders.v1.OrderService/GetItem`, {
      method: "POST",
      headers: { "content-type": "application/grpc-web-text", "x-grpc-web": "1", authorization: `Bearer ${petarToken}` },
      body: base64Encode(envelope),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/grpc-web-text+proto");
    const body = base64Decode(await res.text());
    const length = new DataView(body.buffer, body.byteOffset).getUint32(1);
    expect(body[0]).toBe(0);
    expect(fromBinary(ItemSchema, body.subarray(5, 5 + length)).name).toBe("magic stick");
    const trailer = new TextDecoder().decode(body.subarray(5 + length + 5));
    expect(body[5 + length]).toBe(0x80);
    expect(trailer).toMatch(/grpc-status: ?0/);
  });

  it("unknown and internal RPCs answer alike (not_found), in each protocol's format", async () => {
    const authorization = `Bearer ${await mintJwt({ sub: "1", scope: "admin" })}`;
    for (const path of ["/orders.v1.OrderService/GetOrdersByUserId", "/orders.v1.OrderService/NoSuchRpc"]) {
      const connect = await fetch(`${gateway.url}${path}`, { method: "POST", headers: { "content-type": "application/json", authorization }, body: "{}" });
      expect(connect.status).toBe(404);
      expect(await connect.json()).toEqual({ code: "not_found", message: expect.any(String) });
      const grpcWeb = await fetch(`${gateway.url}${path}`, { method: "POST", headers: { "content-type": "application/grpc-web+proto", authorization }, body: new Uint8Array(5) });
      expect(grpcWeb.status).toBe(200);
      expect(grpcWeb.headers.get("grpc-status")).toBe(String(Code.NotFound));
      expect(await grpcWeb.arrayBuffer()).toHaveProperty("byteLength", 0);
    }
  });

  it("a body over the limit: resource_exhausted, the service never asked", async () => {
    const res = await fetch(`${gateway.url}/user.v1.UserService/CreateUser`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${petarToken}` },
      body: JSON.stringify({ firstName: "x".repeat(70_000) }),
    });
    expect(res.status).toBe(429);
    expect(await res.json()).toMatchObject({ code: "resource_exhausted" });
  });

  it("CORS: the protocols' request headers are allowed, their status headers exposed", async () => {
    const preflight = await fetch(`${gateway.url}/user.v1.UserService/GetUserById`, {
      method: "OPTIONS",
      headers: { origin: browserOrigin, "access-control-request-method": "POST", "access-control-request-headers": "connect-protocol-version,connect-timeout-ms,x-grpc-web,x-user-agent,grpc-timeout" },
    });
    expect(preflight.status).toBe(204);
    const allowed = (preflight.headers.get("access-control-allow-headers") ?? "").toLowerCase();
    for (const header of ["connect-protocol-version", "connect-timeout-ms", "x-grpc-web", "x-user-agent", "grpc-timeout"]) expect(allowed).toContain(header);
    const res = await fetch(`${gateway.url}/orders.v1.OrderService/GetItem`, {
      method: "POST",
      headers: { origin: browserOrigin, "content-type": "application/grpc-web+proto" },
      body: new Uint8Array(5),
    });
    expect((res.headers.get("access-control-expose-headers") ?? "").toLowerCase()).toContain("grpc-status");
    await res.arrayBuffer();
  });
});

describe("the edge cache and writes over the RPC protocols", () => {
  const restUser = async () => {
    const res = await fetch(`${cached.url}/api/users/1`, { headers: { authorization: `Bearer ${petarToken}` } });
    return { cache: res.headers.get("x-edge-cache"), orders: ((await res.json()) as { user: { orders: { id: number; status: string }[] } }).user.orders };
  };

  it.each([
    ["Connect binary", () => createConnectTransport({ baseUrl: cached.url, useBinaryFormat: true })],
    ["gRPC-Web", () => createGrpcWebTransport({ baseUrl: cached.url })],
  ])("a write over %s makes the cached REST read of what it changed stale, as a REST write does", async (_, transport) => {
    await restUser();
    expect((await restUser()).cache).toBe("HIT");
    const orders = createClient(OrderService, transport());
    const placed = await orders.createOrder({ userId: 1, itemId: 1, amount: 1 }, withToken(petarToken));
    const afterCreate = await restUser();
    expect(afterCreate.cache).toBe("MISS");
    expect(afterCreate.orders.map((o) => o.id)).toContain(placed.id);
    expect((await restUser()).cache).toBe("HIT");
    // Cancel names only the order: the user it belongs to is read from the answer.
    await orders.cancelOrder({ id: placed.id }, withToken(petarToken));
    const afterCancel = await restUser();
    expect(afterCancel.cache).toBe("MISS");
    expect(afterCancel.orders.find((o) => o.id === placed.id)?.status).toBe("ORDER_STATUS_CANCELLED");
  });
});

describe("the rate limit over the RPC protocols", () => {
  it("counts Connect and gRPC-Web calls with REST ones, per caller: over it resource_exhausted with Retry-After", async () => {
    const token = await mintJwt({ sub: "3" });
    const items = () => createClient(OrderService, createConnectTransport({ baseUrl: limited.url }));
    await items().getItem({ id: 1 }, withToken(token));
    const rest = await fetch(`${limited.url}/api/items/1`, { headers: { authorization: `Bearer ${token}` } });
    expect(rest.status).toBe(200);
    await rest.arrayBuffer();
    const err = await items().getItem({ id: 1 }, withToken(token)).catch((e: unknown) => e);
    expect((err as ConnectError).code).toBe(Code.ResourceExhausted);
    expect((err as ConnectError).metadata.get("retry-after")).toBe("60");
    const grpcWeb = await createClient(OrderService, createGrpcWebTransport({ baseUrl: limited.url })).getItem({ id: 1 }, withToken(token)).catch((e: unknown) => e);
    expect((grpcWeb as ConnectError).code).toBe(Code.ResourceExhausted);
  });
});
