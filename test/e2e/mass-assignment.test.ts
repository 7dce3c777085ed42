// OWASP API3 (broken object property level authorization), the write half: mass assignment.
// A client that sends OUTPUT_ONLY fields (readOnly in /openapi.json: a user's `id` and
// `orders`, an order's `id`, `status`, `cancelTime`) or a path-bound field in a create or
// PATCH body gets 400 naming the field, and nothing changes. By design: the request messages
// (CreateUserRequest, UpdateUserRequest, CreateOrderRequest) have no such fields, and the edge
// refuses unknown JSON keys and path fields repeated in the body.
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
let alice: { id: number; firstName: string; lastName: string; email: string; orders: unknown[] };
let bob: number;

async function as(who: string, method: string, path: string, body?: object): Promise<{ status: number; body: any }> {
  const auth = who === "admin" ? await bearerFor("1", "admin") : await bearerFor(who);
  const res = await fetch(`${gateway.url}${path}`, { method, headers: { "content-type": "application/json", ...auth }, body: body && JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

function expectRefused(res: { status: number; body: any }, field: string): void {
  expect(res.status).toBe(400);
  expect(res.body).toMatchObject({ code: "invalid_argument", violations: [expect.objectContaining({ field })] });
}

beforeAll(async () => {
  order = await startService(orderServiceDefinition, env);
  user = await startService(userServiceDefinition, { ...env, ORDER_SERVICE_URL: order.url });
  gateway = await startGateway({ userServiceUrl: user.url, orderServiceUrl: order.url, vars: { EDGE_CACHE_TTL_SECONDS: "0" } });
  const created = await as("admin", "POST", "/api/users", { firstName: "Alice", lastName: "Mass", email: "alice.mass@example.com" });
  expect(created.status).toBe(201);
  alice = created.body;
  bob = (await as("admin", "POST", "/api/users", { firstName: "Bob", lastName: "Mass", email: "bob.mass@example.com" })).body.id;
});
afterAll(async () => {
  await gateway?.stop();
  await user?.stop(1_000);
  await order?.stop(1_000);
});

describe("OUTPUT_ONLY and path-bound fields in request bodies (mass assignment)", () => {
  it("the OpenAPI document marks them readOnly, and no request body schema has them", async () => {
    const doc = (await (await fetch(`${gateway.url}/openapi.json`)).json()) as any;
    const schemas = doc.components.schemas;
    expect(schemas["user.v1.User"].properties.id.readOnly).toBe(true);
    expect(schemas["user.v1.User"].properties.orders.readOnly).toBe(true);
    expect(schemas["orders.v1.Order"].properties.status.readOnly).toBe(true);
    const bodySchema = (path: string, method: string) => {
      const schema = doc.paths[path][method].requestBody.content["application/json"].schema;
      return schema.$ref ? schemas[schema.$ref.replace("#/components/schemas/", "")] : schema;
    };
    expect(Object.keys(bodySchema("/api/users", "post").properties).sort()).toEqual(["email", "firstName", "lastName"]);
    expect(Object.keys(bodySchema("/api/users/{id}", "patch").properties).sort()).toEqual(["email", "firstName", "lastName"]);
    expect(Object.keys(bodySchema("/api/users/{userId}/orders", "post").properties).sort()).toEqual(["amount", "itemId"]);
  });

  it("POST /api/users with id or orders: 400 naming the field, no user created", async () => {
    const fields = { firstName: "Eve", lastName: "Mass", email: "eve.mass@example.com" };
    expectRefused(await as("admin", "POST", "/api/users", { ...fields, id: 424242 }), "id");
    expectRefused(await as("admin", "POST", "/api/users", { ...fields, orders: [{ id: 1, itemId: 1, amount: 1 }] }), "orders");
    expect((await as("admin", "GET", "/api/users/424242")).status).toBe(404);
    const all = await as("admin", "GET", "/api/users?pageSize=500");
    expect(all.body.users.map((u: { email: string }) => u.email)).not.toContain(fields.email);
  });

  it("PATCH /api/users/{id} with id (another user's) or orders: 400 naming the field, the user unchanged", async () => {
    const me = String(alice.id);
    expectRefused(await as(me, "PATCH", `/api/users/${alice.id}`, { firstName: "Mallory", id: bob }), "id");
    expectRefused(await as(me, "PATCH", `/api/users/${alice.id}`, { orders: [{ id: 1, userId: alice.id, itemId: 1, amount: 1 }] }), "orders");
    expect((await as(me, "GET", `/api/users/${alice.id}`)).body.user).toEqual(alice);
    expect((await as("admin", "GET", `/api/users/${bob}`)).body.user.firstName).toBe("Bob");
  });

  it("POST /api/users/{userId}/orders with id, status, orderDate or another userId: 400 naming the field, no order placed", async () => {
    const me = String(alice.id);
    const path = `/api/users/${alice.id}/orders`;
    expectRefused(await as(me, "POST", path, { itemId: 1, amount: 1, id: 1 }), "id");
    expectRefused(await as(me, "POST", path, { itemId: 1, amount: 1, status: "ORDER_STATUS_CANCELLED" }), "status");
    expectRefused(await as(me, "POST", path, { itemId: 1, amount: 1, orderDate: "2000-01-01T00:00:00Z" }), "orderDate");
    expectRefused(await as(me, "POST", path, { itemId: 1, amount: 1, userId: bob }), "userId");
    expect((await as(me, "GET", path)).body.orders).toEqual([]);
    expect((await as("admin", "GET", `/api/users/${bob}/orders`)).body.orders).toEqual([]);
  });
});
