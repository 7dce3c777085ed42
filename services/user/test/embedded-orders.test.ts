// A user's reply embeds only her most recent orders (EMBEDDED_ORDERS_MAX) with the total count,
// and a read_mask without orders spares the order service the call: real services, real gRPC.
import { createRpcCounter, messageOf } from "@grpc-edge/service-kit/testing";
import { grpcJsClients } from "./grpc-js-clients.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engines, startPair, stopPostgres } from "./service-pair.ts";

afterAll(stopPostgres);

describe.each(engines("embedded"))("embedded orders on %s", (_engine, databases) => {
  const orderRpcs = createRpcCounter();
  let pair: Awaited<ReturnType<typeof startPair>>;
  let clients: ReturnType<typeof grpcJsClients>;
  let userId: number;
  const placed: number[] = [];
  beforeAll(async () => {
    const db = await databases();
    pair = await startPair({ user: { ...db.user, EMBEDDED_ORDERS_MAX: "3" }, order: db.order }, { order: [orderRpcs.interceptor] });
    clients = grpcJsClients(pair.user.url);
    userId = (await clients.call(clients.user, "CreateUser", { first_name: "Many", last_name: "Orders", email: "many@example.com" })).id;
    for (let i = 0; i < 5; i++) placed.push((await clients.call(clients.order, "CreateOrder", { user_id: userId, item_id: 1, amount: i + 1 })).id);
    // CancelOrder is the order service's own (the user service does not front it).
    const atOrders = grpcJsClients(pair.order.url);
    await clients.call(atOrders.order, "CancelOrder", { id: placed[4] });
    atOrders.close();
  });
  afterAll(async () => {
    clients?.close();
    await pair?.stop();
  });

  it("GetUserById embeds her 3 most recent orders, oldest first, and says she has 5", async () => {
    const { user } = await clients.call(clients.user, "GetUserById", { id: userId });
    expect(user.orders.map((o: { id: number }) => o.id)).toEqual(placed.slice(2));
    expect(user.order_count).toBe(5);
  });

  it("GetAllUsers does the same for every user of the page, in one batched call", async () => {
    const before = orderRpcs.count("orders.v1.OrderService/GetOrdersByUserIds");
    const { users } = await clients.call(clients.user, "GetAllUsers", { page_size: 500 });
    const many = users.find((u: { id: number }) => u.id === userId);
    expect([many.orders.map((o: { id: number }) => o.id), many.order_count]).toEqual([placed.slice(2), 5]);
    expect(users.find((u: { id: number }) => u.id === 1).order_count).toBe(3);
    expect(orderRpcs.count("orders.v1.OrderService/GetOrdersByUserIds") - before).toBe(1);
  });

  it("DeleteUser still counts every placed order, not only the embedded ones", async () => {
    const error = await clients.fail(clients.user, "DeleteUser", { id: userId });
    expect(messageOf(error)).toBe(`user ${userId} has 4 placed orders; cancel them first`);
  });

  it("a read_mask without orders costs no order-service call", async () => {
    const before = orderRpcs.calls().length;
    const { user } = await clients.call(clients.user, "GetUserById", { id: userId, read_mask: { paths: ["id", "email"] } });
    expect([user.id, user.email, user.first_name, user.orders]).toEqual([userId, "many@example.com", "", []]);
    await clients.call(clients.user, "GetAllUsers", { read_mask: { paths: ["first_name"] } });
    expect(orderRpcs.calls().length - before).toBe(0);
  });
});
