import { grpc, messageOf, violationsOf } from "@grpc-edge/service-kit/testing";
import { afterAll, describe, expect, it } from "vitest";
import { engines, stopPostgres } from "./service-pair.ts";
import { startUserAndOrder } from "./start-user-and-order.ts";

afterAll(stopPostgres);

// The gateway sends CreateOrder and ListOrders to the user service (it checks the user
// first) and every other order RPC to the order service: called here on those addresses.
describe.each(engines("facade"))("orders.v1.OrderService through the user service on %s", (_engine, databases) => {
  const running = startUserAndOrder(databases);
  const call = (method: string, request: object) => running.clients.call(running.clients.order, method, request);
  const fail = (method: string, request: object) => running.clients.fail(running.clients.order, method, request);
  // The order service's own address, as the gateway calls it for items, GetOrder and CancelOrder.
  const callOrderService = (method: string, request: object) => running.orderClients.call(running.orderClients.order, method, request);

  it("serves only CreateOrder and ListOrders: the rest is the order service's alone (UNIMPLEMENTED here)", async () => {
    for (const [method, request] of [["ListItems", {}], ["GetItem", { id: 4 }], ["GetOrder", { id: 1 }], ["CancelOrder", { id: 1 }]] as const) {
      expect((await fail(method, request)).code, method).toBe(grpc.status.UNIMPLEMENTED);
    }
  });

  it("CreateOrder and ListOrders for an existing user, seen by the order service's GetOrder and CancelOrder", async () => {
    const placed = await call("CreateOrder", { user_id: 3, item_id: 4, amount: 2 });
    expect(placed).toMatchObject({ user_id: 3, item: { id: 4, name: "ball" }, amount: 2, status: "ORDER_STATUS_PLACED", cancel_time: null });
    expect(await callOrderService("GetOrder", { id: placed.id })).toEqual(placed);
    expect(await call("ListOrders", { user_id: 3 })).toEqual({ orders: [placed], next_page_token: "" });
    const cancelled = await callOrderService("CancelOrder", { id: placed.id });
    expect(cancelled).toMatchObject({ id: placed.id, status: "ORDER_STATUS_CANCELLED", cancel_time: { seconds: expect.any(String) } });
    expect(await call("ListOrders", { user_id: 3 })).toEqual({ orders: [cancelled], next_page_token: "" });
    // The user's own view shows it too.
    expect((await running.clients.call(running.clients.user, "GetUserById", { id: 3 })).user.orders).toEqual([cancelled]);
  });

  it("CreateOrder and ListOrders for an unknown user are NOT_FOUND", async () => {
    for (const [method, request] of [["CreateOrder", { user_id: 9, item_id: 1, amount: 1 }], ["ListOrders", { user_id: 9 }]] as const) {
      const error = await fail(method, request);
      expect([error.code, messageOf(error)]).toEqual([grpc.status.NOT_FOUND, "user 9 not found"]);
    }
  });

  it("CreateOrder of an unknown item is INVALID_ARGUMENT with a violation on item_id, as the order service said", async () => {
    const error = await fail("CreateOrder", { user_id: 2, item_id: 99, amount: 1 });
    expect(error.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(violationsOf(error)).toEqual(["item_id: item 99 does not exist"]);
    expect(messageOf(error)).toBe("item_id: item 99 does not exist");
  });

  it("validates requests at the front door", async () => {
    const error = await fail("CreateOrder", { user_id: 2, item_id: 0, amount: 10_001 });
    expect(violationsOf(error)).toEqual([
      "item_id: must be greater than 0",
      "amount: must be greater than or equal to 1 and less than or equal to 10000",
    ]);
  });

  it("ListOrders pages through a user's orders; a bad page_token is INVALID_ARGUMENT", async () => {
    const ids: number[] = [];
    for (let amount = 1; amount <= 5; amount++) ids.push((await call("CreateOrder", { user_id: 2, item_id: 1, amount })).id);
    const seen: number[] = [];
    let token = "";
    let pages = 0;
    do {
      const page = await call("ListOrders", { user_id: 2, page_size: 2, page_token: token });
      seen.push(...page.orders.map((o: any) => o.id));
      token = page.next_page_token;
      pages++;
    } while (token);
    expect([pages, seen]).toEqual([3, [4, ...ids]]); // order 4 is Jovan's from the demo data
    const error = await fail("ListOrders", { user_id: 2, page_token: "tampered" });
    expect([error.code, violationsOf(error)]).toEqual([grpc.status.INVALID_ARGUMENT, ["page_token: not a next_page_token of this list; start again without one"]]);
  });

  it("does not expose the order service's internal lookups", async () => {
    expect((await fail("GetOrdersByUserIds", { user_ids: [1] })).code).toBe(grpc.status.UNIMPLEMENTED);
    expect((await fail("GetOrdersByUserId", { user_id: 1 })).code).toBe(grpc.status.UNIMPLEMENTED);
  });
});
