import { createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { OrderService } from "@grpc-edge/proto/orders/v1";
import { startService, type RunningService } from "@grpc-edge/service-kit";
import { grpc, messageOf, serviceTokenInterceptor, TEST_SERVICE_TOKEN_SECRET, violationsOf } from "@grpc-edge/service-kit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orderServiceDefinition } from "../src/index.ts";
import { grpcJsClients } from "../../user/test/grpc-js-clients.ts";

// 2023-05-01T00:00:00Z in seconds: order_date is a real Timestamp, not milliseconds.
const MAY_1_2023 = 1_682_899_200;

let service: RunningService;
let clients: ReturnType<typeof grpcJsClients>;

beforeAll(async () => {
  service = await startService(orderServiceDefinition, { PORT: "0", METRICS_PORT: "0", PGLITE_DATA_DIR: "memory://", SEED_DEMO_DATA: "true", LOG_LEVEL: "silent", SERVICE_TOKEN_SECRET: TEST_SERVICE_TOKEN_SECRET });
  clients = grpcJsClients(service.url);
});
afterAll(async () => {
  clients?.close();
  await service?.stop(1_000);
});

describe("order service over native gRPC (@grpc/grpc-js, HTTP/2)", () => {
  it("returns a user's orders with items and Timestamp dates", async () => {
    const res = await clients.call(clients.order, "GetOrdersByUserId", { user_id: 1 });
    expect(res.orders.map((o: any) => [o.id, o.user_id, o.item.name, o.amount, o.order_date.seconds, o.status, o.cancel_time])).toEqual([
      [1, 1, "pencil", 10, String(MAY_1_2023), "ORDER_STATUS_PLACED", null],
      [2, 1, "book", 25, String(MAY_1_2023 + 86_400), "ORDER_STATUS_PLACED", null],
      [3, 1, "magic stick", 12, String(MAY_1_2023 + 2 * 86_400), "ORDER_STATUS_PLACED", null],
    ]);
  });

  it("answers the batched lookup for many users in one call", async () => {
    const res = await clients.call(clients.order, "GetOrdersByUserIds", { user_ids: [2, 3, 1, 2] });
    expect(res.orders.map((o: any) => [o.user_id, o.id])).toEqual([[1, 1], [1, 2], [1, 3], [2, 4]]);
  });

  it.each([
    ["GetOrdersByUserId", { user_id: 0 }, ["user_id: must be greater than 0"]],
    ["GetOrdersByUserId", { user_id: -4 }, ["user_id: must be greater than 0"]],
    ["GetOrdersByUserIds", { user_ids: [1, 0] }, ["user_ids[1]: must be greater than 0"]],
    ["GetOrdersByUserIds", { user_ids: Array.from({ length: 1001 }, (_, i) => i + 1) }, ["user_ids: must contain no more than 1000 item(s)"]],
  ])("rejects %s %j with INVALID_ARGUMENT and its violations", async (method, request, expected) => {
    const error = await clients.call(clients.order, method, request).then(() => expect.unreachable(), (e: grpc.ServiceError) => e);
    expect(error.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(violationsOf(error)).toEqual(expected);
    expect(messageOf(error)).toBe(expected.join("; "));
  });

  it("reports SERVING through grpc.health.v1", async () => {
    expect(await clients.call(clients.health, "Check", { service: "orders.v1.OrderService" })).toEqual({ status: "SERVING" });
    expect(await clients.call(clients.health, "Check", { service: "" })).toEqual({ status: "SERVING" });
    await expect(clients.call(clients.health, "Check", { service: "nope.v1.Nope" })).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
  });
});

describe("order service over HTTP/1.1 on the same port", () => {
  it.each([
    ["Connect", createConnectTransport],
    ["gRPC-Web", createGrpcWebTransport],
  ] as const)("answers %s clients", async (_name, createTransport) => {
    const client = createClient(OrderService, createTransport({ baseUrl: service.url, httpVersion: "1.1", interceptors: [serviceTokenInterceptor()] }));
    const res = await client.getOrdersByUserId({ userId: 2 });
    expect(res.orders).toHaveLength(1);
    expect(res.orders[0]?.item?.name).toBe("book");
    expect(res.orders[0]?.orderDate?.seconds).toBe(BigInt(MAY_1_2023 + 3 * 86_400));
  });

  it("serves liveness and readiness probes", async () => {
    const live = await fetch(`${service.url}/healthz`);
    expect([live.status, await live.json()]).toEqual([200, { status: "alive" }]);
    const ready = await fetch(`${service.url}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: "ready" }]);
  });
});
