// The resource API as a REST user sees it, through the real parts: the gateway bundle
// in one workerd, the user and order services as real servers (PGlite), native gRPC
// between them. RPC counters on both services prove what each request costs.
import { orderServiceDefinition } from "@grpc-edge/order-service";
import { startService, type RunningService } from "@grpc-edge/service-kit";
import { createRpcCounter, TEST_SERVICE_TOKEN_SECRET } from "@grpc-edge/service-kit/testing";
import { userServiceDefinition } from "@grpc-edge/user-service";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { bearerFor } from "../../workers/gateway/test/jwt-test-kit.ts";
import { startGateway, type RunningGateway } from "../../workers/gateway/test/start-gateway.ts";

const env = { PORT: "0", METRICS_PORT: "0", PGLITE_DATA_DIR: "memory://", SEED_DEMO_DATA: "true", LOG_LEVEL: "silent", SERVICE_TOKEN_SECRET: TEST_SERVICE_TOKEN_SECRET };
const userRpcs = createRpcCounter();
const orderRpcs = createRpcCounter();

let order: RunningService;
let user: RunningService;
let gateway: RunningGateway;

beforeAll(async () => {
  order = await startService(orderServiceDefinition, env, { interceptors: [orderRpcs.interceptor] });
  user = await startService(userServiceDefinition, { ...env, ORDER_SERVICE_URL: order.url }, { interceptors: [userRpcs.interceptor] });
  gateway = await startGateway({ userServiceUrl: user.url, orderServiceUrl: order.url });
});
afterAll(async () => {
  await gateway?.stop();
  await user?.stop(1_000);
  await order?.stop(1_000);
});
beforeEach(() => {
  userRpcs.reset();
  orderRpcs.reset();
});

interface Reply {
  status: number;
  type: string | null;
  headers: Headers;
  body: any;
}

// Writes need a signed-in user; these tests act as an admin with a real token (the object-level
// rules have their own test: edge-object-authorization.test.ts).
async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const init: RequestInit = { method, headers: { ...(await bearerFor("1", "admin")), ...headers } };
  if (body !== undefined) {
    init.body = typeof body === "string" ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)["content-type"] ??= "application/json";
  }
  const res = await fetch(`${gateway.url}${path}`, init);
  const text = await res.text();
  return { status: res.status, type: res.headers.get("content-type"), headers: res.headers, body: text === "" ? undefined : JSON.parse(text) };
}

let emailSequence = 0;
const newUser = (firstName = "Mila") => ({ firstName, lastName: "Test", email: `${firstName.toLowerCase()}.${++emailSequence}@example.com` });

async function createUser(fields = newUser()): Promise<any> {
  const res = await call("POST", "/api/users", fields);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(res.headers.get("location")).toBe(`/api/users/${res.body.id}`);
  return res.body;
}

describe("users", () => {
  it("create → get → patch one field → delete → gone", async () => {
    const fields = newUser("Ana");
    const created = await createUser(fields);
    expect(created).toEqual({ id: expect.any(Number), ...fields, orders: [], orderCount: 0 });

    expect((await call("GET", `/api/users/${created.id}`)).body).toEqual({ user: created });

    // PATCH semantics: only the fields sent change.
    const patched = await call("PATCH", `/api/users/${created.id}`, { lastName: "Anić" });
    expect(patched.status).toBe(200);
    expect(patched.body).toEqual({ ...created, lastName: "Anić" });

    const deleted = await call("DELETE", `/api/users/${created.id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    const gone = await call("GET", `/api/users/${created.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ code: "not_found", detail: expect.stringContaining(String(created.id)) });
  });

  it("an email already taken, in any capitalisation → 409 already_exists", async () => {
    const first = await createUser();
    const res = await call("POST", "/api/users", { ...newUser(), email: first.email.toUpperCase() });
    expect(res.status).toBe(409);
    expect(res.type).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 409, code: "already_exists", detail: "email is already taken" });
    // The address is not echoed back (docs/security.md: the "taken" answer is an accepted oracle, the address is not).
    expect(JSON.stringify(res.body).toLowerCase()).not.toContain(first.email.toLowerCase());

    const other = await createUser();
    const patch = await call("PATCH", `/api/users/${other.id}`, { email: first.email });
    expect(patch.status).toBe(409);
    expect(JSON.stringify(patch.body).toLowerCase()).not.toContain(first.email.toLowerCase());
    expect((await call("GET", `/api/users/${other.id}`)).body.user.email).toBe(other.email);
  });

  it("invalid fields are rejected at the edge, all at once, without calling any service", async () => {
    const res = await call("POST", "/api/users", { firstName: "", lastName: "x".repeat(101), email: "not-an-email" });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: "invalid_argument", requestId: expect.any(String) });
    expect(res.body.violations.map((v: any) => v.field).sort()).toEqual(["email", "firstName", "lastName"]);
    expect(userRpcs.calls()).toEqual([]);
  });

  it("a user with placed orders cannot be deleted (409, explained); once they are cancelled, she can", async () => {
    const mila = await createUser();
    const placed = await call("POST", `/api/users/${mila.id}/orders`, { itemId: 2, amount: 3 });
    expect(placed.status).toBe(201);

    const refused = await call("DELETE", `/api/users/${mila.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: "failed_precondition", detail: expect.stringMatching(/order/i) });
    expect((await call("GET", `/api/users/${mila.id}`)).status).toBe(200);

    expect((await call("POST", `/api/orders/${placed.body.id}:cancel`)).status).toBe(200);
    expect((await call("DELETE", `/api/users/${mila.id}`)).status).toBe(204);
  });
});

describe("REST semantics (issue 13)", () => {
  it("GET /api/users/{id}?fields=id,firstName answers just those, and costs no order-service call", async () => {
    const ana = await createUser(newUser("Fia"));
    await call("POST", `/api/users/${ana.id}/orders`, { itemId: 1, amount: 1 });
    userRpcs.reset();
    orderRpcs.reset();
    const res = await call("GET", `/api/users/${ana.id}?fields=id,firstName`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: { id: ana.id, firstName: "Fia" } });
    expect(userRpcs.calls()).toEqual(["user.v1.UserService/GetUserById"]);
    expect(orderRpcs.calls()).toEqual([]);
    // Asking for her orders costs the order-service call again, trimmed as asked.
    const withOrders = await call("GET", `/api/users/${ana.id}?fields=orderCount,orders.item.name`);
    expect(withOrders.body).toEqual({ user: { orderCount: 1, orders: [{ item: { name: "pencil" } }] } });
    expect(orderRpcs.calls()).toEqual(["orders.v1.OrderService/GetOrdersByUserId"]);
  });

  it("a page of users with ?fields= and no order fields: one user-service call, none to the order service", async () => {
    const res = await call("GET", "/api/users?pageSize=3&fields=id,email");
    expect(res.status).toBe(200);
    expect(res.body.users).toHaveLength(3);
    for (const u of res.body.users) expect(Object.keys(u)).toEqual(["id", "email"]);
    expect(res.body.nextPageToken).not.toBe("");
    expect([userRpcs.calls(), orderRpcs.calls()]).toEqual([["user.v1.UserService/GetAllUsers"], []]);
  });

  it("?fields= naming an unknown path → 400 naming it, no RPC", async () => {
    const res = await call("GET", "/api/users/1?fields=id,password");
    expect(res.status).toBe(400);
    expect(res.body.violations).toEqual([{ field: "fields", message: expect.stringContaining('"password"') }]);
    expect(userRpcs.calls()).toEqual([]);
  });

  it("PATCH: the body's keys are the update mask; an explicit ?updateMask= wins; clearing a required field → 400 with the rule", async () => {
    const ivo = await createUser(newUser("Ivo"));
    const byKeys = await call("PATCH", `/api/users/${ivo.id}`, { lastName: "Ivić" });
    expect(byKeys.body).toEqual({ ...ivo, lastName: "Ivić" });
    // Only email is in the mask: the lastName sent along is not applied.
    const explicit = await call("PATCH", `/api/users/${ivo.id}?updateMask=email`, { lastName: "Ignored", email: `ivo.${++emailSequence}@example.com` });
    expect(explicit.status).toBe(200);
    expect(explicit.body.lastName).toBe("Ivić");
    userRpcs.reset();
    const cleared = await call("PATCH", `/api/users/${ivo.id}`, { firstName: null });
    expect(cleared.status).toBe(400);
    expect(cleared.body.violations).toEqual([{ field: "firstName", message: expect.stringContaining("string.min_len") }]);
    const unknown = await call("PATCH", `/api/users/${ivo.id}?updateMask=nickname`, { firstName: "Ivo" });
    expect(unknown.status).toBe(400);
    expect(unknown.body.violations).toEqual([{ field: "updateMask", message: expect.stringContaining('"nickname"') }]);
    expect(userRpcs.calls()).toEqual([]);
    expect((await call("GET", `/api/users/${ivo.id}`)).body.user).toMatchObject({ firstName: "Ivo", lastName: "Ivić", email: explicit.body.email });
  });

  it("an idempotent create replayed answers the same 201, Location and body, marked Idempotent-Replayed", async () => {
    const key = { "idempotency-key": `rest-api-${Date.now()}` };
    const fields = newUser("Eda");
    const first = await call("POST", "/api/users", fields, key);
    const again = await call("POST", "/api/users", fields, key);
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.headers.get("location")).toBe(first.headers.get("location"));
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
  });
});

describe("orders and items", () => {
  it("lists the catalogue and one item", async () => {
    const items = await call("GET", "/api/items");
    expect(items.status).toBe(200);
    expect(items.body.items.map((i: any) => i.name)).toEqual(["pencil", "book", "magic stick", "ball"]);
    expect((await call("GET", "/api/items/4")).body).toEqual({ id: 4, name: "ball" });
    expect((await call("GET", "/api/items/99")).status).toBe(404);
  });

  it("place → get → list → cancel, with status and cancel time", async () => {
    const buyer = await createUser();
    const placed = await call("POST", `/api/users/${buyer.id}/orders`, { itemId: 4, amount: 2 });
    expect(placed.status).toBe(201);
    expect(placed.headers.get("location")).toBe(`/api/orders/${placed.body.id}`);
    expect(placed.body).toMatchObject({ userId: buyer.id, item: { id: 4, name: "ball" }, amount: 2, status: "ORDER_STATUS_PLACED" });
    expect(Date.parse(placed.body.orderDate)).toBeGreaterThan(Date.now() - 60_000);

    expect((await call("GET", `/api/orders/${placed.body.id}`)).body).toEqual(placed.body);
    expect((await call("GET", `/api/users/${buyer.id}/orders`)).body).toEqual({ orders: [placed.body], nextPageToken: "" });
    expect((await call("GET", `/api/users/${buyer.id}`)).body.user.orders).toEqual([placed.body]);

    const cancelled = await call("POST", `/api/orders/${placed.body.id}:cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ id: placed.body.id, status: "ORDER_STATUS_CANCELLED", cancelTime: expect.any(String) });
    // Cancelling twice changes nothing.
    expect((await call("POST", `/api/orders/${placed.body.id}:cancel`)).body).toEqual(cancelled.body);
  });

  it("each route costs the service that owns it one call; only the routes that name a user pass the user service", async () => {
    const buyer = await createUser();
    const placed = (await call("POST", `/api/users/${buyer.id}/orders`, { itemId: 1, amount: 1 })).body;
    const routes: [method: string, path: string, user: string[], order: string[]][] = [
      // Queries no earlier test read: the edge cache (per caller) must not answer them.
      ["GET", "/api/items?pageSize=3", [], ["orders.v1.OrderService/ListItems"]],
      ["GET", "/api/items/2", [], ["orders.v1.OrderService/GetItem"]],
      ["GET", `/api/orders/${placed.id}`, [], ["orders.v1.OrderService/GetOrder"]],
      ["POST", `/api/orders/${placed.id}:cancel`, [], ["orders.v1.OrderService/CancelOrder"]],
      // The user service checks the user exists (and may be named by the caller) first.
      ["GET", `/api/users/${buyer.id}/orders`, ["orders.v1.OrderService/ListOrders"], ["orders.v1.OrderService/ListOrders"]],
      ["POST", `/api/users/${buyer.id}/orders`, ["orders.v1.OrderService/CreateOrder"], ["orders.v1.OrderService/CreateOrder"]],
    ];
    for (const [method, path, user, order] of routes) {
      userRpcs.reset();
      orderRpcs.reset();
      const res = await call(method, path, method === "POST" && !path.endsWith(":cancel") ? { itemId: 1, amount: 1 } : undefined);
      expect(res.status, `${method} ${path}`).toBe(path.endsWith("/orders") && method === "POST" ? 201 : 200);
      expect([userRpcs.calls(), orderRpcs.calls()], `${method} ${path}`).toEqual([user, order]);
    }
  });

  it("an order for an unknown user → 404; for an unknown item → 400 naming itemId", async () => {
    const noUser = await call("POST", "/api/users/4242/orders", { itemId: 1, amount: 1 });
    expect(noUser.status).toBe(404);
    expect(noUser.body).toMatchObject({ code: "not_found", detail: expect.stringContaining("4242") });

    const buyer = await createUser();
    const noItem = await call("POST", `/api/users/${buyer.id}/orders`, { itemId: 99, amount: 1 });
    expect(noItem.status).toBe(400);
    expect(noItem.body).toMatchObject({ code: "invalid_argument", detail: expect.stringMatching(/item/i) });
    expect((await call("GET", `/api/users/${buyer.id}/orders`)).body.orders).toEqual([]);
  });

  it("amount outside 1–10,000 → 400 at the edge", async () => {
    const res = await call("POST", "/api/users/1/orders", { itemId: 1, amount: 10_001 });
    expect(res.status).toBe(400);
    expect(res.body.violations).toEqual([{ field: "amount", message: expect.stringContaining("10000") }]);
    expect(userRpcs.calls()).toEqual([]);
  });
});

describe("listing users with their orders", () => {
  beforeAll(async () => {
    // Enough users for three pages of 50, some with orders.
    const created = [];
    for (let batch = 0; batch < 6; batch++) {
      created.push(...(await Promise.all(Array.from({ length: 20 }, () => createUser(newUser("Page"))))));
    }
    for (const u of created.slice(0, 10)) await call("POST", `/api/users/${u.id}/orders`, { itemId: 1, amount: 1 });
  });

  it.each([1, 50, 500])("page_size=%i costs one user-service call and one batched order-service call", async (pageSize) => {
    const res = await call("GET", `/api/users?page_size=${pageSize}`);
    expect(res.status).toBe(200);
    expect(res.body.users.length).toBe(Math.min(pageSize, res.body.users.length));
    expect(userRpcs.calls()).toEqual(["user.v1.UserService/GetAllUsers"]);
    expect(orderRpcs.calls()).toEqual(["orders.v1.OrderService/GetOrdersByUserIds"]);
  });

  it("page tokens walk every user exactly once, in id order", async () => {
    const seen: number[] = [];
    let token = "";
    let pages = 0;
    do {
      const res = await call("GET", `/api/users?pageSize=50${token === "" ? "" : `&pageToken=${encodeURIComponent(token)}`}`);
      expect(res.status).toBe(200);
      expect(res.body.users.length).toBeLessThanOrEqual(50);
      seen.push(...res.body.users.map((u: any) => u.id));
      token = res.body.nextPageToken;
      pages++;
    } while (token !== "" && pages < 20);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(new Set(seen).size).toBe(seen.length);
    expect(userRpcs.count("user.v1.UserService/GetAllUsers")).toBe(pages);
    expect(orderRpcs.count("orders.v1.OrderService/GetOrdersByUserIds")).toBe(pages);
  });

  it("without page_size the classic route answers the first 50", async () => {
    const res = await call("GET", "/api/users");
    expect(res.body.users).toHaveLength(50);
    expect(res.body.users[0]).toMatchObject({ id: 1, firstName: "Petar" });
    expect(res.body.nextPageToken).not.toBe("");
  });

  it.each([
    ["page_size=501", "pageSize"],
    ["page_size=-1", "pageSize"],
    ["page_size=ten", "pageSize"],
    ["colour=red", "colour"],
  ])("%s → 400 naming %s, no RPC", async (query, field) => {
    const res = await call("GET", `/api/users?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.violations).toEqual([expect.objectContaining({ field })]);
    expect(userRpcs.calls()).toEqual([]);
  });

  it("a page token that was not issued by the service → 400", async () => {
    const res = await call("GET", "/api/users?page_token=bm90LWEtdG9rZW4");
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: "invalid_argument", detail: expect.stringMatching(/token/i) });
  });
});

describe("HTTP errors", () => {
  it.each([
    ["DELETE", "/api/items/1", undefined, {}, 405, "unimplemented"],
    ["POST", "/api/users", "{not json", {}, 400, "invalid_argument"],
    ["POST", "/api/users", "firstName=x", { "content-type": "application/x-www-form-urlencoded" }, 415, "invalid_argument"],
    ["POST", "/api/users", { ...newUser(), nickname: "x" }, {}, 400, "invalid_argument"],
    ["POST", "/api/users", JSON.stringify({ firstName: "x".repeat(70_000) }), {}, 413, "resource_exhausted"],
    ["GET", "/api/users/1/nothing", undefined, {}, 404, "not_found"],
  ] as const)("%s %s → %i problem JSON", async (method, path, body, headers, status, code) => {
    const res = await call(method, path, body, headers);
    expect(res.status).toBe(status);
    expect(res.type).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status, code, type: expect.stringMatching(/^https:/), title: expect.any(String), requestId: expect.any(String) });
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(ts|js):\d+/);
    expect(userRpcs.calls()).toEqual([]);
  });

  it("405 says which methods the path has", async () => {
    const res = await call("PUT", "/api/users/1");
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD, PATCH, DELETE");
  });

  it("an unknown JSON field is named in the error", async () => {
    const res = await call("POST", "/api/users", { ...newUser(), nickname: "x" });
    expect(res.body.detail).toContain("nickname");
  });
});
