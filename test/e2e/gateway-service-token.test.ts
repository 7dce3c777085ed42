// Tokens end to end: the gateway bundle in workerd verifies the end user's JWT and signs a
// service token per upstream call; the services (PGlite) decide what the caller may do,
// refuse a gateway with the wrong secret, and make REST creates with Idempotency-Key happen once.
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
const gateways: RunningGateway[] = [];

beforeAll(async () => {
  order = await startService(orderServiceDefinition, env);
  user = await startService(userServiceDefinition, { ...env, ORDER_SERVICE_URL: order.url });
});
afterAll(async () => {
  await Promise.all(gateways.map((g) => g.stop()));
  await user?.stop(1_000);
  await order?.stop(1_000);
});

async function gateway(vars: Record<string, string> = {}): Promise<string> {
  const started = await startGateway({ userServiceUrl: user.url, orderServiceUrl: order.url, vars });
  gateways.push(started);
  return started.url;
}

const send = async (url: string, method = "GET", body?: object, headers: Record<string, string> = {}) => {
  const res = await fetch(url, { method, body: body && JSON.stringify(body), headers: { "content-type": "application/json", ...headers } });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
};

describe("an anonymous REST caller", () => {
  it("with PUBLIC_READS (wrangler.toml's dev default) reads users and orders; every write → 401 at the edge", async () => {
    const base = await gateway();
    expect((await send(`${base}/api/users`)).body.users.map((u: any) => u.id)).toEqual([1, 2, 3]);
    expect((await send(`${base}/api/users/1`)).status).toBe(200);
    for (const [method, path, body] of [
      ["POST", "/api/users", { firstName: "A", lastName: "B", email: "anon@example.com" }],
      ["PATCH", "/api/users/1", { firstName: "Hacked" }],
      ["DELETE", "/api/users/3", undefined],
      ["POST", "/api/orders/1:cancel", {}],
      ["POST", "/api/users/1/orders", { itemId: 1, amount: 1 }],
    ] as const) {
      const res = await send(`${base}${path}`, method, body);
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe('Bearer realm="grpc-edge"');
    }
    expect((await send(`${base}/api/users/1`)).body.user).toMatchObject({ firstName: "Petar", orders: [{ id: 1, status: "ORDER_STATUS_PLACED" }, {}, {}] });
  });

  it("without PUBLIC_READS gets 401 for users and their orders (sign in!), 404 for an order by id, and the items", async () => {
    const base = await gateway({ PUBLIC_READS: "false" });
    for (const path of ["/api/users", "/api/users/1", "/api/users/1/orders"]) {
      const res = await send(`${base}${path}`);
      expect(res.status, path).toBe(401);
      expect(res.headers.get("www-authenticate"), path).toBe('Bearer realm="grpc-edge"');
      expect(JSON.stringify(res.body)).not.toContain("Petar");
    }
    // Another user's order by id: not found rather than forbidden, existence is not revealed.
    expect((await send(`${base}/api/orders/1`)).status).toBe(404);
    expect((await send(`${base}/api/items/1`)).body).toEqual({ id: 1, name: "pencil" });
    // Signed in, the same reads work for her own user.
    expect((await send(`${base}/api/users/1`, "GET", undefined, await bearerFor("1"))).body.user).toMatchObject({ id: 1, firstName: "Petar" });
  });

  it("gets nothing through a gateway whose secret the services do not share, even with a valid token", async () => {
    const base = await gateway({ SERVICE_TOKEN_SECRET: "a-different-secret-of-at-least-32-bytes" });
    const res = await send(`${base}/api/users/1`, "GET", undefined, await bearerFor("1"));
    expect(res.status).toBe(401);
    expect(JSON.stringify(res.body)).not.toContain("Petar");
  });
});

describe("Idempotency-Key through the gateway", () => {
  it("POST /api/users twice with one key creates one user and says the second was replayed; a different body → 422", async () => {
    const base = await gateway();
    const headers = { ...(await bearerFor("1", "admin")), "idempotency-key": "e2e-create-user-1" };
    const fields = { firstName: "Ona", lastName: "Once", email: "ona.once@example.com" };
    const first = await send(`${base}/api/users`, "POST", fields, headers);
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const again = await send(`${base}/api/users`, "POST", fields, headers);
    // The replay answers as the original did: 201, the same Location and body.
    expect([again.status, again.headers.get("location"), again.body]).toEqual([201, first.headers.get("location"), first.body]);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const reused = await send(`${base}/api/users`, "POST", { ...fields, lastName: "Twice" }, headers);
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({ status: 422, code: "invalid_argument", type: "https://grpc-edge.dev/problems/idempotency-key-reused" });
    const all = (await send(`${base}/api/users`)).body.users as any[];
    expect(all.filter((u) => u.email === fields.email)).toHaveLength(1);
  });

  it("POST /api/users/{id}/orders with one key places one order, through both services, for the user herself", async () => {
    const base = await gateway();
    const headers = { ...(await bearerFor("3")), "idempotency-key": "e2e-order-1" };
    const [a, b] = await Promise.all([1, 2].map(() => send(`${base}/api/users/3/orders`, "POST", { itemId: 4, amount: 1 }, headers)));
    const answers = [a!, b!];
    const placed = answers.filter((r) => r.status === 201).map((r) => r.body.id);
    expect(new Set(placed).size).toBe(1);
    // The duplicate either waited and was replayed, or met the first in flight (409, retry later).
    for (const r of answers.filter((r) => r.status !== 201)) {
      expect(r.body).toMatchObject({ status: 409, type: "https://grpc-edge.dev/problems/idempotency-key-in-flight" });
      expect(r.headers.get("retry-after")).toBe("1");
    }
    const orders = (await send(`${base}/api/users/3/orders`)).body.orders as any[];
    expect(orders.map((o) => o.id)).toEqual([placed[0]]);
  });

  it("a key the services would refuse is refused at the edge: 400", async () => {
    const base = await gateway();
    const res = await send(`${base}/api/users/3/orders`, "POST", { itemId: 4, amount: 1 }, { ...(await bearerFor("3")), "idempotency-key": "k".repeat(256) });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ type: "https://grpc-edge.dev/problems/invalid-idempotency-key" });
  });
});
