// OWASP API1 (broken object-level authorization) through the edge: real end-user JWTs at the
// gateway bundle in workerd, both services on PGlite deciding from the service token. User B
// never reads or changes user A's objects — by naming them or by iterating ids — an admin
// can, and an anonymous caller (PUBLIC_READS off) is asked to sign in.
import { orderServiceDefinition } from "@grpc-edge/order-service";
import { startService, type RunningService } from "@grpc-edge/service-kit";
import { testServiceEnv } from "@grpc-edge/service-kit/testing";
import { userServiceDefinition } from "@grpc-edge/user-service";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearerFor } from "../../workers/gateway/test/jwt-test-kit.ts";
import { startGateway, type RunningGateway } from "../../workers/gateway/test/start-gateway.ts";

const env = testServiceEnv({ SEED_DEMO_DATA: "true" });
let order: RunningService;
let user: RunningService;
let gateway: RunningGateway;
let publicReads: RunningGateway;

interface Reply {
  status: number;
  body: any;
}

async function as(who: string | undefined, method: string, path: string, body?: object, base = gateway.url): Promise<Reply> {
  const auth = who === undefined ? {} : who === "admin" ? await bearerFor("1", "admin") : await bearerFor(who);
  const res = await fetch(`${base}${path}`, { method, headers: { "content-type": "application/json", ...auth }, body: body && JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

let a: number;
let b: number;
let aOrders: number[];
let bOrder: number;

beforeAll(async () => {
  order = await startService(orderServiceDefinition, env);
  user = await startService(userServiceDefinition, { ...env, ORDER_SERVICE_URL: order.url });
  [gateway, publicReads] = await Promise.all([
    startGateway({ userServiceUrl: user.url, orderServiceUrl: order.url, vars: { PUBLIC_READS: "false" } }),
    startGateway({ userServiceUrl: user.url, orderServiceUrl: order.url, vars: { PUBLIC_READS: "true" } }),
  ]);
  const created = await Promise.all(
    ["alice", "bob"].map((name) => as("admin", "POST", "/api/users", { firstName: name, lastName: "Test", email: `${name}@example.com` })),
  );
  [a, b] = created.map((r) => {
    expect(r.status).toBe(201);
    return r.body.id as number;
  });
  aOrders = [];
  for (const itemId of [1, 2]) {
    const placed = await as(String(a), "POST", `/api/users/${a}/orders`, { itemId, amount: 1 });
    expect(placed.status).toBe(201);
    aOrders.push(placed.body.id);
  }
  bOrder = (await as(String(b), "POST", `/api/users/${b}/orders`, { itemId: 3, amount: 1 })).body.id;
});
afterAll(async () => {
  await Promise.all([gateway?.stop(), publicReads?.stop()]);
  await user?.stop(1_000);
  await order?.stop(1_000);
});

describe("user B against user A's objects, with B's own valid token", () => {
  it("cannot read A, A's orders list, or any of A's orders", async () => {
    const B = String(b);
    expect((await as(B, "GET", `/api/users/${a}`)).status).toBe(403);
    expect((await as(B, "GET", `/api/users/${a}/orders`)).status).toBe(403);
    for (const id of aOrders) {
      const res = await as(B, "GET", `/api/orders/${id}`);
      // Word for word what a missing order answers: existence is not revealed.
      expect(res).toEqual({ status: 404, body: expect.objectContaining({ code: "not_found", detail: `order ${id} not found` }) });
    }
    expect((await as(B, "GET", "/api/users")).status).toBe(403);
  });

  it("cannot change A: PATCH, DELETE, cancel A's order, place an order for A — and nothing changed", async () => {
    const B = String(b);
    expect((await as(B, "PATCH", `/api/users/${a}`, { firstName: "Mallory" })).status).toBe(403);
    expect((await as(B, "DELETE", `/api/users/${a}`)).status).toBe(403);
    expect((await as(B, "POST", `/api/users/${a}/orders`, { itemId: 4, amount: 9 })).status).toBe(403);
    for (const id of aOrders) expect((await as(B, "POST", `/api/orders/${id}:cancel`)).status).toBe(404);

    const seenByA = (await as(String(a), "GET", `/api/users/${a}`)).body.user;
    expect(seenByA.firstName).toBe("alice");
    expect(seenByA.orders.map((o: any) => [o.id, o.status])).toEqual(aOrders.map((id) => [id, "ORDER_STATUS_PLACED"]));
  });

  it("iterating ids finds only B's own objects", async () => {
    const B = String(b);
    const maxId = Math.max(a, b, ...aOrders, bOrder) + 5;
    const readableUsers: number[] = [];
    const readableOrders: number[] = [];
    const cancellable: number[] = [];
    const listable: number[] = [];
    for (let id = 1; id <= maxId; id++) {
      if ((await as(B, "GET", `/api/users/${id}`)).status === 200) readableUsers.push(id);
      if ((await as(B, "GET", `/api/users/${id}/orders`)).status === 200) listable.push(id);
      if ((await as(B, "GET", `/api/orders/${id}`)).status === 200) readableOrders.push(id);
    }
    // Cancelling would change things: sweep it last, over every id but her own order.
    for (let id = 1; id <= maxId; id++) if (id !== bOrder && (await as(B, "POST", `/api/orders/${id}:cancel`)).status === 200) cancellable.push(id);
    expect({ readableUsers, listable, readableOrders, cancellable }).toEqual({ readableUsers: [b], listable: [b], readableOrders: [bOrder], cancellable: [] });
    // The seeded users' placed orders are untouched by the sweep.
    expect((await as("admin", "GET", "/api/users/1")).body.user.orders.map((o: any) => o.status)).toEqual(Array(3).fill("ORDER_STATUS_PLACED"));
  });

  it("with PUBLIC_READS on, B may read A (an open listing, by decision) but still change nothing", async () => {
    const B = String(b);
    expect((await as(B, "GET", `/api/users/${a}`, undefined, publicReads.url)).status).toBe(200);
    expect((await as(B, "PATCH", `/api/users/${a}`, { firstName: "Mallory" }, publicReads.url)).status).toBe(403);
    expect((await as(B, "POST", `/api/orders/${aOrders[0]}:cancel`, undefined, publicReads.url)).status).toBe(403);
  });
});

describe("who else", () => {
  it("an admin reads and changes A's objects", async () => {
    expect((await as("admin", "GET", `/api/users/${a}/orders`)).body.orders).toHaveLength(2);
    expect((await as("admin", "POST", `/api/orders/${aOrders[1]}:cancel`)).body).toMatchObject({ id: aOrders[1], status: "ORDER_STATUS_CANCELLED" });
    expect((await as("admin", "PATCH", `/api/users/${a}`, { lastName: "Checked" })).body).toMatchObject({ id: a, lastName: "Checked" });
  });

  it("A herself reads and changes her own objects", async () => {
    const A = String(a);
    expect((await as(A, "GET", `/api/orders/${aOrders[0]}`)).status).toBe(200);
    expect((await as(A, "PATCH", `/api/users/${a}`, { firstName: "Alice" })).body).toMatchObject({ firstName: "Alice" });
  });

  it("an anonymous caller (PUBLIC_READS off) gets 401 for users and 404 for orders by id", async () => {
    for (const path of [`/api/users/${a}`, `/api/users/${a}/orders`, "/api/users"]) expect((await as(undefined, "GET", path)).status, path).toBe(401);
    expect((await as(undefined, "GET", `/api/orders/${aOrders[0]}`)).status).toBe(404);
    expect((await as(undefined, "DELETE", `/api/users/${a}`)).status).toBe(401);
  });
});
