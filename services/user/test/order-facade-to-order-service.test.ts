import { grpc, messageOf, violationsOf } from "@grpc-edge/service-kit/testing";
import { afterAll, describe, expect, it } from "vitest";
import { engines, stopPostgres } from "./service-pair.ts";
import { startUserAndOrder } from "./start-user-and-order.ts";

afterAll(stopPostgres);

// The gateway reaches only the user service, so the public orders.v1.OrderService
// RPCs are called on the user service's address here, as the gateway will.
describe.each(engines("facade"))("orders.v1.OrderService through the user service on %s", (_engine, databases) => {
  const running = startUserAndOrder(databases);
  const call = (method: string, request: object) => running.clients.call(running.clients.order, method, request);
  const fail = (method: string, request: object) => running.clients.fail(running.clients.order, method, request);

  it("ListItems and GetItem answer from the order service", async () => {
    expect((await call("ListItems", { page_size: 2 })).items).toEqual([{ id: 1, name: "pencil" }, { id: 2, name: "book" }]);
    expect(await call("GetItem", { id: 4 })).toEqual({ id: 4, name: "ball" });
    const missing = await fail("GetItem", { id: 77 });
    expect([missing.code, messageOf(missing)]).toEqual([grpc.status.NOT_FOUND, "item 77 not found"]);
  });

  it("CreateOrder, GetOrder, ListOrders and CancelOrder (twice) for an existing user", async () => {
    const placed = await call("CreateOrder", { user_id: 3, item_id: 4, amount: 2 });
    expect(placed).toMatchObject({ user_id: 3, item: { id: 4, name: "ball" }, amount: 2, status: "ORDER_STATUS_PLACED", cancel_time: null });
    expect(await call("GetOrder", { id: placed.id })).toEqual(placed);
    expect(await call("ListOrders", { user_id: 3 })).toEqual({ orders: [placed], next_page_token: "" });
    const cancelled = await call("CancelOrder", { id: placed.id });
    expect(cancelled).toMatchObject({ id: placed.id, status: "ORDER_STATUS_CANCELLED", cancel_time: { seconds: expect.any(String) } });
    expect(await call("CancelOrder", { id: placed.id })).toEqual(cancelled);
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
