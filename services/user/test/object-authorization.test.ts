// OWASP API1 (broken object-level authorization): user B, with a valid token of
// her own, must never read or change user A's objects — by guessing ids or any
// other way. Every request goes to the real services over native gRPC, on PGlite.
import { grpc, messageOf } from "@grpc-edge/service-kit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engines, startPair } from "./service-pair.ts";
import { grpcJsClients } from "./grpc-js-clients.ts";

const [pglite] = engines("authz");
type Clients = ReturnType<typeof grpcJsClients>;

let pair: Awaited<ReturnType<typeof startPair>>;
let admin: Clients;
let a: { id: number; orders: number[] };
let b: { id: number; orders: number[] };
let asB: Clients;
// GetOrder and CancelOrder are the order service's (the gateway calls it for them).
let asBAtOrders: Clients;
let maxOrderId: number;

beforeAll(async () => {
  pair = await startPair(await pglite[1]());
  admin = grpcJsClients(pair.user.url);
  const create = async (name: string) => (await admin.call(admin.user, "CreateUser", { first_name: name, last_name: "T", email: `${name}@example.com` })).id as number;
  a = { id: await create("alice"), orders: [] };
  b = { id: await create("bob"), orders: [] };
  for (const [who, item] of [[a, 1], [a, 2], [b, 3]] as const) {
    who.orders.push((await admin.call(admin.order, "CreateOrder", { user_id: who.id, item_id: item, amount: 1 })).id);
  }
  maxOrderId = Math.max(...a.orders, ...b.orders);
  asB = grpcJsClients(pair.user.url, { sub: b.id, scope: "" });
  asBAtOrders = grpcJsClients(pair.order.url, { sub: b.id, scope: "" });
});
afterAll(async () => {
  admin?.close();
  asB?.close();
  asBAtOrders?.close();
  await pair?.stop();
});

const stateOfA = async () => ({
  user: (await admin.call(admin.user, "GetUserById", { id: a.id })).user,
  orders: (await admin.call(admin.order, "ListOrders", { user_id: a.id })).orders,
});

describe("user B with her own token", () => {
  it("reads and changes her own user and orders", async () => {
    expect((await asB.call(asB.user, "GetUserById", { id: b.id })).user.orders.map((o: any) => o.id)).toEqual(b.orders);
    expect((await asB.call(asB.user, "UpdateUser", { id: b.id, first_name: "Bobby" })).first_name).toBe("Bobby");
    const placed = await asB.call(asB.order, "CreateOrder", { user_id: b.id, item_id: 1, amount: 2 });
    expect((await asBAtOrders.call(asBAtOrders.order, "GetOrder", { id: placed.id })).user_id).toBe(b.id);
    expect((await asBAtOrders.call(asBAtOrders.order, "CancelOrder", { id: placed.id })).status).toBe("ORDER_STATUS_CANCELLED");
    b.orders.push(placed.id);
    maxOrderId = Math.max(maxOrderId, placed.id);
  });

  it("gets PERMISSION_DENIED for every request that names user A, and A is unchanged", async () => {
    const before = await stateOfA();
    const attempts: Array<[Clients["user"], string, object]> = [
      [asB.user, "GetUserById", { id: a.id }],
      [asB.user, "UpdateUser", { id: a.id, email: "bob-owns-this@example.com" }],
      [asB.user, "DeleteUser", { id: a.id }],
      [asB.order, "ListOrders", { user_id: a.id }],
      [asB.order, "CreateOrder", { user_id: a.id, item_id: 1, amount: 5 }],
    ];
    for (const [client, method, request] of attempts) {
      expect((await asB.fail(client, method, request)).code, method).toBe(grpc.status.PERMISSION_DENIED);
    }
    expect(await stateOfA()).toEqual(before);
  });

  it("cannot tell A's existence from a missing user: both are PERMISSION_DENIED, before any lookup", async () => {
    for (const id of [a.id, 4_242]) {
      const error = await asB.fail(asB.user, "GetUserById", { id });
      expect([error.code, messageOf(error)]).toEqual([grpc.status.PERMISSION_DENIED, `caller may not read user ${id}`]);
    }
  });

  it("finds only her own orders when iterating order ids; everything else is NOT_FOUND, exactly like a missing order", async () => {
    const before = await stateOfA();
    const visible: number[] = [];
    for (let id = 1; id <= maxOrderId + 3; id++) {
      for (const method of ["GetOrder", "CancelOrder"]) {
        const outcome = await asBAtOrders.call(asBAtOrders.order, method, { id }).then(
          (order) => order.user_id as number,
          (error: grpc.ServiceError) => `${error.code} ${messageOf(error)}`,
        );
        if (typeof outcome === "number") {
          expect(outcome).toBe(b.id);
          if (method === "GetOrder") visible.push(id);
        } else {
          expect(outcome).toBe(`${grpc.status.NOT_FOUND} order ${id} not found`);
        }
      }
    }
    expect(visible).toEqual(b.orders);
    // None of A's orders was cancelled by the sweep.
    expect(await stateOfA()).toEqual(before);
  });

  it("may neither list all users nor create users (admin only)", async () => {
    expect((await asB.fail(asB.user, "GetAllUsers", {})).code).toBe(grpc.status.PERMISSION_DENIED);
    expect((await asB.fail(asB.user, "CreateUser", { first_name: "M", last_name: "M", email: "mallory@example.com" })).code).toBe(
      grpc.status.PERMISSION_DENIED,
    );
  });

  it("gets nothing by calling the order service directly, nor by claiming to be A in a header", async () => {
    const direct = grpcJsClients(pair.order.url, { sub: b.id, scope: "" });
    try {
      for (const [method, request] of [
        ["GetOrdersByUserId", { user_id: a.id }],
        ["GetOrdersByUserIds", { user_ids: [b.id, a.id] }],
        ["ListOrders", { user_id: a.id }],
        ["CreateOrder", { user_id: a.id, item_id: 1, amount: 1 }],
      ] as const) {
        expect((await direct.fail(direct.order, method, request)).code, method).toBe(grpc.status.PERMISSION_DENIED);
      }
      for (const id of a.orders) expect((await direct.fail(direct.order, "GetOrder", { id })).code).toBe(grpc.status.NOT_FOUND);
      const forged = await asB.fail(asB.user, "GetUserById", { id: a.id }, 5_000, { metadata: { "x-user-id": String(a.id), "x-user": String(a.id) } });
      expect(forged.code).toBe(grpc.status.PERMISSION_DENIED);
    } finally {
      direct.close();
    }
  });
});

describe("the users:read scope (anonymous public reads)", () => {
  it("reads any user and her orders, but changes nothing: cancelling a visible order is PERMISSION_DENIED", async () => {
    const reader = grpcJsClients(pair.user.url, { scope: "users:read" });
    const readerAtOrders = grpcJsClients(pair.order.url, { scope: "users:read" });
    try {
      expect((await reader.call(reader.user, "GetAllUsers", {})).users.length).toBeGreaterThanOrEqual(2);
      expect((await readerAtOrders.call(readerAtOrders.order, "GetOrder", { id: a.orders[0]! })).user_id).toBe(a.id);
      expect((await readerAtOrders.fail(readerAtOrders.order, "CancelOrder", { id: a.orders[0]! })).code).toBe(grpc.status.PERMISSION_DENIED);
      expect((await reader.fail(reader.user, "UpdateUser", { id: a.id, first_name: "X" })).code).toBe(grpc.status.PERMISSION_DENIED);
      expect((await reader.fail(reader.order, "CreateOrder", { user_id: a.id, item_id: 1, amount: 1 })).code).toBe(grpc.status.PERMISSION_DENIED);
    } finally {
      reader.close();
      readerAtOrders.close();
    }
  });
});
