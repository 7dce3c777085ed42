import { startService, type RunningService } from "@grpc-edge/service-kit";
import { grpc, messageOf, TEST_SERVICE_TOKEN_SECRET, violationsOf } from "@grpc-edge/service-kit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orderServiceDefinition } from "../src/index.ts";
import { grpcJsClients } from "../../user/test/grpc-js-clients.ts";
import { databaseEngines } from "./database-engines.ts";

// The order service's public RPCs as a plain @grpc/grpc-js client sees them, on
// embedded PGlite and on a real PostgreSQL server. User ids are trusted here (the
// user service checks them), so tests use users of their own (100+).
const engines = databaseEngines("orders_api");

describe.each(engines)("items and orders on %s", (_engine, database) => {
  let service: RunningService;
  let clients: ReturnType<typeof grpcJsClients>;
  const call = (method: string, request: object) => clients.call(clients.order, method, request);
  const fail = (method: string, request: object) => clients.fail(clients.order, method, request);
  beforeAll(async () => {
    service = await startService(orderServiceDefinition, { PORT: "0", METRICS_PORT: "0", SEED_DEMO_DATA: "true", LOG_LEVEL: "silent", SERVICE_TOKEN_SECRET: TEST_SERVICE_TOKEN_SECRET, ...(await database()) });
    clients = grpcJsClients(service.url);
  });
  afterAll(async () => {
    clients?.close();
    await service?.stop(1_000);
  });

  it("ListItems pages through the catalogue and GetItem finds one", async () => {
    expect(await call("ListItems", {})).toEqual({
      items: [{ id: 1, name: "pencil" }, { id: 2, name: "book" }, { id: 3, name: "magic stick" }, { id: 4, name: "ball" }],
      next_page_token: "",
    });
    const first = await call("ListItems", { page_size: 3 });
    expect(first.items.map((i: any) => i.id)).toEqual([1, 2, 3]);
    expect(await call("ListItems", { page_size: 3, page_token: first.next_page_token })).toEqual({ items: [{ id: 4, name: "ball" }], next_page_token: "" });
    expect(await call("GetItem", { id: 2 })).toEqual({ id: 2, name: "book" });
  });

  it("GetItem, GetOrder and CancelOrder of unknown ids answer NOT_FOUND", async () => {
    for (const [method, what] of [["GetItem", "item"], ["GetOrder", "order"], ["CancelOrder", "order"]] as const) {
      const error = await fail(method, { id: 9_999 });
      expect([error.code, messageOf(error)]).toEqual([grpc.status.NOT_FOUND, `${what} 9999 not found`]);
    }
  });

  it("CreateOrder places an order that GetOrder returns", async () => {
    const before = Math.floor(Date.now() / 1000);
    const order = await call("CreateOrder", { user_id: 100, item_id: 2, amount: 3 });
    expect(order).toMatchObject({ user_id: 100, item: { id: 2, name: "book" }, amount: 3, status: "ORDER_STATUS_PLACED", cancel_time: null });
    expect(Number(order.order_date.seconds)).toBeGreaterThanOrEqual(before - 1);
    expect(await call("GetOrder", { id: order.id })).toEqual(order);
  });

  it("CreateOrder of an unknown item is INVALID_ARGUMENT on item_id and writes nothing", async () => {
    const error = await fail("CreateOrder", { user_id: 101, item_id: 99, amount: 1 });
    expect(error.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(violationsOf(error)).toEqual(["item_id: item 99 does not exist"]);
    expect(await call("ListOrders", { user_id: 101 })).toEqual({ orders: [], next_page_token: "" });
  });

  it("CreateOrder breaking the .proto rules lists every violation", async () => {
    const error = await fail("CreateOrder", { user_id: 0, item_id: 1, amount: 0 });
    expect(error.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(violationsOf(error)).toEqual([
      "user_id: must be greater than 0",
      "amount: must be greater than or equal to 1 and less than or equal to 10000",
    ]);
    expect(messageOf(error)).toBe(violationsOf(error).join("; "));
  });

  it("CancelOrder cancels once; cancelling again is a no-op returning the order", async () => {
    const placed = await call("CreateOrder", { user_id: 102, item_id: 1, amount: 5 });
    const cancelled = await call("CancelOrder", { id: placed.id });
    expect(cancelled).toMatchObject({ id: placed.id, status: "ORDER_STATUS_CANCELLED", order_date: placed.order_date });
    expect(Number(cancelled.cancel_time.seconds)).toBeGreaterThanOrEqual(Number(placed.order_date.seconds));
    expect(await call("CancelOrder", { id: placed.id })).toEqual(cancelled);
    expect(await call("GetOrder", { id: placed.id })).toEqual(cancelled);
    // Cancelled orders stay visible, with their status, to the batched lookup.
    const batched = await call("GetOrdersByUserIds", { user_ids: [102] });
    expect(batched.orders.map((o: any) => [o.id, o.status])).toEqual([[placed.id, "ORDER_STATUS_CANCELLED"]]);
  });

  it("ListOrders walks a user's orders page by page: no duplicates, no gaps, empty token at the end", async () => {
    const placed: number[] = [];
    for (let i = 1; i <= 7; i++) placed.push((await call("CreateOrder", { user_id: 103, item_id: 1 + (i % 4), amount: i })).id);
    await call("CreateOrder", { user_id: 104, item_id: 1, amount: 1 }); // someone else's
    const seen: number[] = [];
    const tokens: string[] = [];
    let token = "";
    do {
      const page = await call("ListOrders", { user_id: 103, page_size: 3, page_token: token });
      seen.push(...page.orders.map((o: any) => o.id));
      expect(page.orders.every((o: any) => o.user_id === 103)).toBe(true);
      token = page.next_page_token;
      tokens.push(token);
    } while (token);
    expect(seen).toEqual(placed);
    expect(tokens.map((t) => t !== "")).toEqual([true, true, false]);
  });

  it("refuses a malformed page_token, one of another list, and a page_size over 500", async () => {
    const first = await call("ListOrders", { user_id: 103, page_size: 1 });
    for (const request of [
      { user_id: 103, page_token: "not-a-token" },
      { user_id: 104, page_token: first.next_page_token },
    ]) {
      const error = await fail("ListOrders", request);
      expect(error.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(violationsOf(error)).toEqual(["page_token: not a next_page_token of this list; start again without one"]);
    }
    const tooBig = await fail("ListItems", { page_size: 501 });
    expect([tooBig.code, violationsOf(tooBig)]).toEqual([grpc.status.INVALID_ARGUMENT, ["page_size: must be greater than or equal to 0 and less than or equal to 500"]]);
  });
});
