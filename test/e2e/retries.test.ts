// The gateway's retries, seen from the network: a fault proxy between workerd and the user
// service counts the connections (each attempt is one: the proxy resets them) and the user
// service counts the RPCs it really served.
import { orderServiceDefinition } from "@grpc-edge/order-service";
import { startService, type RunningService } from "@grpc-edge/service-kit";
import { createRpcCounter, freePort, startFaultProxy, testServiceEnv, type FaultProxy } from "@grpc-edge/service-kit/testing";
import { userServiceDefinition } from "@grpc-edge/user-service";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { bearerFor } from "../../workers/gateway/test/jwt-test-kit.ts";
import { startGateway, type RunningGateway } from "../../workers/gateway/test/start-gateway.ts";

const counter = createRpcCounter();
let order: RunningService;
let user: RunningService;
let userLink: FaultProxy;
let deadLink: FaultProxy;
let gateway: RunningGateway;
let deadGateway: RunningGateway;

beforeAll(async () => {
  order = await startService(orderServiceDefinition, testServiceEnv({ SEED_DEMO_DATA: "true" }));
  user = await startService(userServiceDefinition, testServiceEnv({ SEED_DEMO_DATA: "true", ORDER_SERVICE_URL: order.url }), {
    interceptors: [counter.interceptor],
  });
  userLink = await startFaultProxy({ port: user.port });
  // Nothing listens behind this one: every connection is reset, as a dead host's would be.
  deadLink = await startFaultProxy({ port: await freePort() });
  // No edge cache: every request is an upstream call to count.
  const vars = { EDGE_CACHE_TTL_SECONDS: "0" };
  [gateway, deadGateway] = await Promise.all([
    startGateway({ userServiceUrl: userLink.url, orderServiceUrl: order.url, vars }),
    startGateway({ userServiceUrl: deadLink.url, orderServiceUrl: deadLink.url, vars }),
  ]);
});
afterAll(async () => {
  await Promise.all([gateway?.stop(), deadGateway?.stop()]);
  await Promise.all([userLink?.close(), deadLink?.close()]);
  await user?.stop(0);
  await order?.stop(0);
});
beforeEach(async () => {
  await userLink.setMode({ kind: "pass" });
  userLink.resetStats();
  counter.reset();
});

/** The next connection — the pooled one included — is reset, as by a restarting service. */
async function resetNextConnection(): Promise<void> {
  await userLink.setMode({ kind: "reset", scope: "all", count: 1 });
  userLink.resetStats();
}

describe("retries through workerd", () => {
  it("a GET whose connection is reset (the user service restarting) succeeds via a retry", async () => {
    await resetNextConnection();
    const res = await fetch(`${gateway.url}/api/users/1`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { user: { id: number } }).user.id).toBe(1);
    expect(userLink.accepted()).toBe(2);
    expect(counter.count("user.v1.UserService/GetUserById")).toBe(1);
  });

  it("a POST without an Idempotency-Key is not retried: 503, one attempt, nothing created", async () => {
    await resetNextConnection();
    const res = await fetch(`${gateway.url}/api/users`, {
      method: "POST",
      headers: { ...(await bearerFor("1", "admin")), "content-type": "application/json" },
      body: JSON.stringify({ firstName: "Nora", lastName: "Noretry", email: "nora@example.com" }),
    });
    expect(res.status).toBe(503);
    expect(userLink.accepted()).toBe(1);
    expect(counter.count("user.v1.UserService/CreateUser")).toBe(0);
  });

  it("a POST with an Idempotency-Key is retried and creates exactly one user", async () => {
    await resetNextConnection();
    const res = await fetch(`${gateway.url}/api/users`, {
      method: "POST",
      headers: { ...(await bearerFor("1", "admin")), "content-type": "application/json", "idempotency-key": "retry-e2e-1" },
      body: JSON.stringify({ firstName: "Kira", lastName: "Keyed", email: "kira@example.com" }),
    });
    expect(res.status).toBe(201);
    expect(userLink.accepted()).toBe(2);
    expect(counter.count("user.v1.UserService/CreateUser")).toBe(1);
  });

  it("a dead user service gets at most 3 attempts per request, and the retry budget caps the rest", async () => {
    // A fresh isolate: its budget holds 10 retries, and earns 0.1 per request.
    const first = await fetch(`${deadGateway.url}/api/users/1`);
    expect(first.status).toBe(503);
    expect(deadLink.accepted()).toBe(3);
    const requests = 40;
    for (let i = 0; i < requests; i++) {
      const res = await fetch(`${deadGateway.url}/api/users/${(i % 3) + 1}`);
      expect(res.status).toBe(503);
      await res.arrayBuffer();
    }
    const attempts = deadLink.accepted();
    // Without a budget: 3 × 41 = 123. With it: 41 requests + 2 + 8 from the reserve + 0.1 × 41 earned.
    expect(attempts).toBeLessThanOrEqual(41 + 10 + 5);
    expect(attempts).toBeGreaterThanOrEqual(41 + 10);
  });
});
