// End to end through the real parts: the gateway bundle in one workerd, the user
// and order services as real servers (PGlite), native gRPC between them.
import { orderServiceDefinition } from "@grpc-edge/order-service";
import { startService, type RunningService } from "@grpc-edge/service-kit";
import { freePort, TEST_SERVICE_TOKEN_SECRET } from "@grpc-edge/service-kit/testing";
import { userServiceDefinition } from "@grpc-edge/user-service";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type RunningGateway } from "../../workers/gateway/test/start-gateway.ts";

const env = { PORT: "0", METRICS_PORT: "0", PGLITE_DATA_DIR: "memory://", SEED_DEMO_DATA: "true", LOG_LEVEL: "silent", SERVICE_TOKEN_SECRET: TEST_SERVICE_TOKEN_SECRET };

let order: RunningService;
let user: RunningService;
let gateway: RunningGateway;

beforeAll(async () => {
  order = await startService(orderServiceDefinition, env);
  user = await startService(userServiceDefinition, { ...env, ORDER_SERVICE_URL: order.url });
  gateway = await startGateway({ userServiceUrl: user.url, orderServiceUrl: order.url });
});
afterAll(async () => {
  await gateway?.stop();
  await user?.stop(1_000);
  await order?.stop(1_000);
});

const get = async (path: string) => {
  const res = await fetch(`${gateway.url}${path}`);
  return { status: res.status, type: res.headers.get("content-type"), headers: res.headers, body: (await res.json()) as any };
};

const petar = {
  id: 1,
  firstName: "Petar",
  lastName: "Petrovic",
  email: "petar.petrovic@gmail.com",
  orders: [
    { id: 1, userId: 1, item: { id: 1, name: "pencil" }, orderDate: "2023-05-01T00:00:00Z", amount: 10, status: "ORDER_STATUS_PLACED" },
    { id: 2, userId: 1, item: { id: 2, name: "book" }, orderDate: "2023-05-02T00:00:00Z", amount: 25, status: "ORDER_STATUS_PLACED" },
    { id: 3, userId: 1, item: { id: 3, name: "magic stick" }, orderDate: "2023-05-03T00:00:00Z", amount: 12, status: "ORDER_STATUS_PLACED" },
  ],
  orderCount: 3,
};

describe("REST through workerd → user service → order service", () => {
  it("GET /api/users/1 returns user 1 with her orders", async () => {
    const res = await get("/api/users/1");
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^application\/json/);
    expect(res.body).toEqual({ user: petar });
  });

  it("GET /api/users lists every user with their orders", async () => {
    const res = await get("/api/users");
    expect(res.status).toBe(200);
    expect(res.body.users[0]).toEqual(petar);
    expect(res.body.users.map((u: any) => [u.id, u.firstName, u.email, u.orders.length])).toEqual([
      [1, "Petar", "petar.petrovic@gmail.com", 3],
      [2, "Jovan", "jovan.jovanovic@gmail.com", 1],
      [3, "Jovica", "jovica.jovic@gamil.com", 0],
    ]);
  });

  it.each(["abc", "0", "-1", "99999999999", "1.5", "1e3"])("GET /api/users/%s → 400 problem JSON", async (id) => {
    const res = await get(`/api/users/${id}`);
    expect(res.status).toBe(400);
    expect(res.type).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 400, code: "invalid_argument", title: expect.any(String), detail: expect.any(String) });
  });

  it("unknown user → 404 problem JSON carrying the request id", async () => {
    const res = await fetch(`${gateway.url}/api/users/4242`, { headers: { "x-request-id": "e2e-404" } });
    expect(res.status).toBe(404);
    expect(res.headers.get("x-request-id")).toBe("e2e-404");
    expect(await res.json()).toMatchObject({ status: 404, code: "not_found", requestId: "e2e-404" });
  });

  it("unknown route → 404 problem JSON, never an HTML page", async () => {
    const res = await get("/api/nope");
    expect(res.status).toBe(404);
    expect(res.type).toMatch(/^application\/problem\+json/);
  });
});

describe("when a tier is down", () => {
  it("user service unreachable → 503 problem JSON with Retry-After, quickly", async () => {
    const down = await startGateway({ userServiceUrl: `http://127.0.0.1:${await freePort()}`, orderServiceUrl: `http://127.0.0.1:${await freePort()}` });
    try {
      const started = Date.now();
      const res = await fetch(`${down.url}/api/users/1`);
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
      expect(await res.json()).toMatchObject({ status: 503, code: "unavailable" });
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await down.stop();
    }
  });

  it("order service down → 503 from the gateway, and recovery without restarts", async () => {
    const lonelyOrder = await startService(orderServiceDefinition, env);
    const orderPort = lonelyOrder.port;
    const lonelyUser = await startService(userServiceDefinition, { ...env, ORDER_SERVICE_URL: lonelyOrder.url });
    // No edge cache: the second read must reach the user service, not the edge's copy of the first.
    const edge = await startGateway({ userServiceUrl: lonelyUser.url, orderServiceUrl: lonelyOrder.url, vars: { EDGE_CACHE_TTL_SECONDS: "0" } });
    try {
      expect((await fetch(`${edge.url}/api/users/1`)).status).toBe(200);
      await lonelyOrder.stop(0);
      const res = await fetch(`${edge.url}/api/users/1`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ code: "unavailable" });
      // Same port, fresh process state: the user service reconnects by itself.
      const revived = await startService(orderServiceDefinition, { ...env, PORT: String(orderPort) });
      try {
        await expect.poll(async () => (await fetch(`${edge.url}/api/users/1`)).status, { timeout: 5_000, interval: 200 }).toBe(200);
      } finally {
        await revived.stop(0);
      }
    } finally {
      await edge.stop();
      await lonelyUser.stop(0);
    }
  });
});
