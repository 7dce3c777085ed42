// Service tokens end to end: the gateway bundle in workerd signs one per upstream
// call; the services (PGlite) decide what an anonymous caller may do, refuse a
// gateway with the wrong secret, and make REST creates with Idempotency-Key happen once.
import { orderServiceDefinition } from "@grpc-edge/order-service";
import { startService, type RunningService } from "@grpc-edge/service-kit";
import { testServiceEnv } from "@grpc-edge/service-kit/testing";
import { userServiceDefinition } from "@grpc-edge/user-service";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
  const started = await startGateway({ userServiceUrl: user.url, vars });
  gateways.push(started);
  return started.url;
}

const send = async (url: string, method = "GET", body?: object, headers: Record<string, string> = {}) => {
  const res = await fetch(url, { method, body: body && JSON.stringify(body), headers: { "content-type": "application/json", ...headers } });
  return { status: res.status, body: (await res.json()) as any };
};

describe("an anonymous REST caller (no end-user JWT yet)", () => {
  it("with PUBLIC_READS (wrangler.toml's dev default) reads users and orders, but may not create or change anything", async () => {
    const base = await gateway();
    expect((await send(`${base}/api/users`)).body.users.map((u: any) => u.id)).toEqual([1, 2, 3]);
    expect((await send(`${base}/api/users/1`)).status).toBe(200);
    expect((await send(`${base}/api/users`, "POST", { firstName: "A", lastName: "B", email: "anon@example.com" })).status).toBe(403);
    expect((await send(`${base}/api/users/1`, "PATCH", { firstName: "Hacked" })).status).toBe(403);
    expect((await send(`${base}/api/orders/1:cancel`, "POST", {})).status).toBe(403);
    expect((await send(`${base}/api/users/1`)).body.user).toMatchObject({ firstName: "Petar", orders: [{ id: 1, status: "ORDER_STATUS_PLACED" }, {}, {}] });
  });

  it("without PUBLIC_READS may read no user and no order (items stay readable)", async () => {
    const base = await gateway({ PUBLIC_READS: "false" });
    for (const path of ["/api/users", "/api/users/1", "/api/users/1/orders"]) expect((await send(`${base}${path}`)).status, path).toBe(403);
    // Another user's order by id: not found rather than forbidden, existence is not revealed.
    expect((await send(`${base}/api/orders/1`)).status).toBe(404);
    expect((await send(`${base}/api/items/1`)).body).toEqual({ id: 1, name: "pencil" });
  });

  it("gets nothing through a gateway whose secret the services do not share", async () => {
    const base = await gateway({ SERVICE_TOKEN_SECRET: "a-different-secret-of-at-least-32-bytes" });
    const res = await send(`${base}/api/users/1`);
    expect(res.status).toBe(401);
    expect(JSON.stringify(res.body)).not.toContain("Petar");
  });
});

describe("Idempotency-Key through the gateway", () => {
  it("POST /api/users twice with one key creates one user; a different body with that key is refused", async () => {
    const base = await gateway({ INSECURE_ANONYMOUS_ADMIN: "true" });
    const headers = { "idempotency-key": "e2e-create-user-1" };
    const fields = { firstName: "Ona", lastName: "Once", email: "ona.once@example.com" };
    const first = await send(`${base}/api/users`, "POST", fields, headers);
    expect(first.status).toBe(200);
    expect(await send(`${base}/api/users`, "POST", fields, headers)).toEqual(first);
    const reused = await send(`${base}/api/users`, "POST", { ...fields, lastName: "Twice" }, headers);
    // The gateway does not map IDEMPOTENCY_KEY_REUSED to 422 yet: INVALID_ARGUMENT is 400 today.
    expect([reused.status, reused.body.code]).toEqual([400, "invalid_argument"]);
    const all = (await send(`${base}/api/users`)).body.users as any[];
    expect(all.filter((u) => u.email === fields.email)).toHaveLength(1);
  });

  it("POST /api/users/{id}/orders with one key places one order, through both services", async () => {
    const base = await gateway({ INSECURE_ANONYMOUS_ADMIN: "true" });
    const headers = { "idempotency-key": "e2e-order-1" };
    const [a, b] = await Promise.all([1, 2].map(() => send(`${base}/api/users/3/orders`, "POST", { itemId: 4, amount: 1 }, headers)));
    const placed = [a!, b!].filter((r) => r.status === 200).map((r) => r.body.id);
    expect(new Set(placed).size).toBe(1);
    const orders = (await send(`${base}/api/users/3/orders`)).body.orders as any[];
    expect(orders.map((o) => o.id)).toEqual([placed[0]]);
  });
});
