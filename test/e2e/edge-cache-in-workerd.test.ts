// The edge cache in real workerd (Miniflare's Cache API) in front of the real services:
// what it saves is counted as RPCs at the service that serves them; what it must never do — serve
// stale data after a write, or one caller's answer to another — is checked as a user sees it.
import { orderServiceDefinition } from "@grpc-edge/order-service";
import { startService, type RunningService } from "@grpc-edge/service-kit";
import { createRpcCounter, testServiceEnv } from "@grpc-edge/service-kit/testing";
import { userServiceDefinition } from "@grpc-edge/user-service";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { bearerFor } from "../../workers/gateway/test/jwt-test-kit.ts";
import { startGateway, type RunningGateway } from "../../workers/gateway/test/start-gateway.ts";

const counter = createRpcCounter();
// Items are the order service's own: the gateway calls it directly for them.
const orderCounter = createRpcCounter();
const getUser = "user.v1.UserService/GetUserById";
let order: RunningService;
let user: RunningService;
let gateway: RunningGateway;
let uncached: RunningGateway;
let shortLived: RunningGateway;

beforeAll(async () => {
  order = await startService(orderServiceDefinition, testServiceEnv({ SEED_DEMO_DATA: "true" }), { interceptors: [orderCounter.interceptor] });
  user = await startService(userServiceDefinition, testServiceEnv({ SEED_DEMO_DATA: "true", ORDER_SERVICE_URL: order.url }), {
    interceptors: [counter.interceptor],
  });
  // PUBLIC_READS off: who may read what is decided per caller, so a leak would show.
  [gateway, uncached, shortLived] = await Promise.all([
    startGateway({ userServiceUrl: user.url, orderServiceUrl: order.url, vars: { PUBLIC_READS: "false", EDGE_CACHE_TTL_SECONDS: "30" } }),
    startGateway({ userServiceUrl: user.url, orderServiceUrl: order.url, vars: { EDGE_CACHE_TTL_SECONDS: "0" } }),
    startGateway({ userServiceUrl: user.url, orderServiceUrl: order.url, vars: { EDGE_CACHE_TTL_SECONDS: "1" } }),
  ]);
});
afterAll(async () => {
  await Promise.all([gateway?.stop(), uncached?.stop(), shortLived?.stop()]);
  await user?.stop(0);
  await order?.stop(0);
});
beforeEach(() => {
  counter.reset();
  orderCounter.reset();
});

const as = (sub: string, scope?: string) => bearerFor(sub, scope);

async function get(base: RunningGateway, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${base.url}${path}`, { headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text === "" ? undefined : (JSON.parse(text) as any) };
}

describe("the edge cache in workerd", () => {
  it("the second read is a hit: no RPC, same body, same strong ETag", async () => {
    const alice = await as("1");
    const first = await get(gateway, "/api/users/1", alice);
    const second = await get(gateway, "/api/users/1", alice);
    expect(first.status).toBe(200);
    expect([first.headers.get("x-edge-cache"), second.headers.get("x-edge-cache")]).toEqual(["MISS", "HIT"]);
    expect(second.text).toBe(first.text);
    expect(second.headers.get("etag")).toMatch(/^"[\w-]{22}"$/);
    expect(second.headers.get("etag")).toBe(first.headers.get("etag"));
    expect(counter.count(getUser)).toBe(1);
  });

  it("?fields= is its own entry and ETag (the query is part of the key): the whole answer is never served for a part", async () => {
    const alice = await as("1");
    const whole = await get(gateway, "/api/users/1", alice);
    const part = await get(gateway, "/api/users/1?fields=id,firstName", alice);
    const partAgain = await get(gateway, "/api/users/1?fields=id,firstName", alice);
    expect(part.json).toEqual({ user: { id: 1, firstName: whole.json.user.firstName } });
    expect([part.headers.get("x-edge-cache"), partAgain.headers.get("x-edge-cache")]).toEqual(["MISS", "HIT"]);
    expect(partAgain.text).toBe(part.text);
    expect(part.headers.get("etag")).not.toBe(whole.headers.get("etag"));
    expect(partAgain.headers.get("etag")).toBe(part.headers.get("etag"));
    // Another selection is another entry again.
    expect((await get(gateway, "/api/users/1?fields=email", alice)).json).toEqual({ user: { email: whole.json.user.email } });
  });

  it("If-None-Match → 304 without a body; a hit costs no RPC", async () => {
    const alice = await as("1");
    const { headers } = await get(gateway, "/api/users/1/orders", alice);
    const before = counter.calls().length;
    const res = await get(gateway, "/api/users/1/orders", { ...alice, "if-none-match": headers.get("etag")! });
    expect(res.status).toBe(304);
    expect(res.text).toBe("");
    expect(counter.calls().length).toBe(before);
  });

  it("PATCH, then GET: fresh data for the writer and for every other caller", async () => {
    const alice = await as("1");
    const admin = await as("9", "admin");
    await get(gateway, "/api/users/1", alice);
    await get(gateway, "/api/users/1", admin);
    expect((await get(gateway, "/api/users/1", admin)).headers.get("x-edge-cache")).toBe("HIT");
    const patched = await fetch(`${gateway.url}/api/users/1`, {
      method: "PATCH",
      headers: { ...alice, "content-type": "application/json" },
      body: JSON.stringify({ lastName: "Cached-Not" }),
    });
    expect(patched.status).toBe(200);
    for (const who of [alice, admin]) {
      const res = await get(gateway, "/api/users/1", who);
      expect(res.headers.get("x-edge-cache")).toBe("MISS");
      expect(res.json.user.lastName).toBe("Cached-Not");
    }
    // The list embeds the user too.
    expect((await get(gateway, "/api/users?pageSize=1", admin)).json.users[0].lastName).toBe("Cached-Not");
  });

  it("placing an order makes the user's cached answer stale (orders live inside the user)", async () => {
    const jovan = await as("2");
    const before = (await get(gateway, "/api/users/2", jovan)).json.user.orders.length;
    const placed = await fetch(`${gateway.url}/api/users/2/orders`, {
      method: "POST",
      headers: { ...jovan, "content-type": "application/json" },
      body: JSON.stringify({ itemId: 1, amount: 1 }),
    });
    expect(placed.status).toBe(201);
    expect((await get(gateway, "/api/users/2", jovan)).json.user.orders).toHaveLength(before + 1);
  });

  it("user B never gets user A's cached entry", async () => {
    const alice = await as("1");
    expect((await get(gateway, "/api/users/1", alice)).status).toBe(200);
    const bob = await get(gateway, "/api/users/1", await as("2"));
    expect(bob.status).toBe(403);
    expect(bob.text).not.toContain("Petar");
    expect((await get(gateway, "/api/users/1")).status).toBe(401);
  });

  it("EDGE_CACHE_TTL_SECONDS=0: every read reaches the service; ETags all the same", async () => {
    const a = await get(uncached, "/api/items/1");
    const b = await get(uncached, "/api/items/1");
    expect(orderCounter.count("orders.v1.OrderService/GetItem")).toBe(2);
    expect(a.headers.get("x-edge-cache")).toBeNull();
    expect(b.headers.get("etag")).toBe(a.headers.get("etag"));
  });

  it("an entry lives as long as the TTL", async () => {
    await get(shortLived, "/api/items/2");
    expect((await get(shortLived, "/api/items/2")).headers.get("x-edge-cache")).toBe("HIT");
    await new Promise((r) => setTimeout(r, 2_100));
    expect((await get(shortLived, "/api/items/2")).headers.get("x-edge-cache")).toBe("MISS");
    expect(orderCounter.count("orders.v1.OrderService/GetItem")).toBe(2);
  });
});
