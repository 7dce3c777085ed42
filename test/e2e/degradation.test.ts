// When a tier goes away — killed, frozen (SIGSTOP: a black hole that accepts and never
// answers) or stopped cleanly (SIGTERM) — the gateway answers at once or at its budget,
// never hangs, and serves again within 2 s of the tier coming back, with nothing restarted.
// Real service processes (`node services/<name>/src/main.ts`), real signals, real workerd.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type RunningGateway } from "../../workers/gateway/test/start-gateway.ts";
import { killAllServices, spawnService, type ServiceProcess } from "./service-process.ts";

const budgetMs = 1_500;
const recoveryMs = 2_000;

let order: ServiceProcess;
let user: ServiceProcess;
let gateway: RunningGateway;

beforeAll(async () => {
  order = await spawnService("order");
  user = await spawnService("user", { ORDER_SERVICE_URL: order.url });
  // No edge cache: a cached read would be served while the tier is down (see edge-cache-in-workerd.test.ts).
  gateway = await startGateway({ userServiceUrl: user.url, orderServiceUrl: order.url, vars: { UPSTREAM_TIMEOUT_MS: String(budgetMs), EDGE_CACHE_TTL_SECONDS: "0" } });
}, 90_000);
afterAll(async () => {
  await gateway?.stop();
  await killAllServices();
});

async function timedGet(path: string) {
  const started = performance.now();
  const res = await fetch(`${gateway.url}${path}`, { signal: AbortSignal.timeout(20_000) });
  const body = (await res.json()) as Record<string, unknown>;
  return { status: res.status, res, body, elapsedMs: performance.now() - started };
}

/** From the moment the tier is back, the API must answer 200 within recoveryMs. */
async function expectRecovery(path = "/api/users/1"): Promise<void> {
  await expect.poll(async () => (await timedGet(path)).status, { timeout: recoveryMs, interval: 100 }).toBe(200);
}

function expectUnavailable({ res, body, elapsedMs }: Awaited<ReturnType<typeof timedGet>>): void {
  expect(res.status).toBe(503);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  expect(res.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
  expect(body).toMatchObject({ status: 503, code: "unavailable", title: "Service unavailable", requestId: expect.any(String) });
  // Within the budget, retries included: no hang.
  expect(elapsedMs).toBeLessThan(budgetMs + 500);
}

function expectTimedOut({ res, body, elapsedMs }: Awaited<ReturnType<typeof timedGet>>): void {
  expect(res.status).toBe(504);
  expect(body).toMatchObject({ status: 504, code: "deadline_exceeded" });
  expect(elapsedMs).toBeGreaterThanOrEqual(budgetMs - 50);
  expect(elapsedMs).toBeLessThan(budgetMs + 1_500);
}

describe("the order service goes away", () => {
  it("SIGKILL: users and items are 503 with Retry-After within the budget; back within 2 s of its restart", async () => {
    expect((await timedGet("/api/users/1")).status).toBe(200);
    order.signal("SIGKILL");
    await order.exited;
    expectUnavailable(await timedGet("/api/users/1"));
    expectUnavailable(await timedGet("/api/items/1"));
    order = await spawnService("order", {}, order.port);
    await expectRecovery();
  });

  it("SIGSTOP (a black hole): 504 at the budget, not a hang; SIGCONT: back within 2 s", async () => {
    expect((await timedGet("/api/users/2")).status).toBe(200);
    order.signal("SIGSTOP");
    try {
      expectTimedOut(await timedGet("/api/users/2"));
      expectTimedOut(await timedGet("/api/users?pageSize=2"));
    } finally {
      order.signal("SIGCONT");
    }
    await expectRecovery("/api/users/2");
  });

  it("SIGTERM: it drains and exits 0; meanwhile 503; back within 2 s of its restart", async () => {
    order.signal("SIGTERM");
    expect(await order.exited).toBe(0);
    expect(order.output()).toContain('"drained":true');
    expectUnavailable(await timedGet("/api/users/1"));
    order = await spawnService("order", {}, order.port);
    await expectRecovery();
  });
});

describe("the user service goes away", () => {
  it("SIGKILL: 503 with Retry-After at once; back within 2 s of its restart", async () => {
    expect((await timedGet("/api/users/1")).status).toBe(200);
    user.signal("SIGKILL");
    await user.exited;
    expectUnavailable(await timedGet("/api/users/1"));
    expectUnavailable(await timedGet("/api/users/1/orders"));
    // Items are the order service's own (the gateway calls it directly): they keep answering.
    expect((await timedGet("/api/items")).status).toBe(200);
    user = await spawnService("user", { ORDER_SERVICE_URL: order.url }, user.port);
    await expectRecovery();
  });

  it("SIGSTOP (a black hole): 504 at the budget, not a hang; SIGCONT: back within 2 s", async () => {
    user.signal("SIGSTOP");
    try {
      expectTimedOut(await timedGet("/api/users/3"));
    } finally {
      user.signal("SIGCONT");
    }
    await expectRecovery("/api/users/3");
  });

  it("SIGTERM: it drains and exits 0; meanwhile 503; back within 2 s of its restart", async () => {
    user.signal("SIGTERM");
    expect(await user.exited).toBe(0);
    expectUnavailable(await timedGet("/api/users/1"));
    user = await spawnService("user", { ORDER_SERVICE_URL: order.url }, user.port);
    await expectRecovery();
  });
});
