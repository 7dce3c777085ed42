// The gateway's budget (UPSTREAM_TIMEOUT_MS) end to end: workerd → user service → order
// service, with a slow order service. The caller gets a 504 problem at the budget, and the
// work behind it is cancelled all the way down (the order service sees its call aborted).
import type { Interceptor } from "@connectrpc/connect";
import { ConnectError } from "@connectrpc/connect";
import { orderServiceDefinition } from "@grpc-edge/order-service";
import { startService, type RunningService } from "@grpc-edge/service-kit";
import { leftInFlight, startFaultProxy, testServiceEnv, type FaultProxy } from "@grpc-edge/service-kit/testing";
import { userServiceDefinition } from "@grpc-edge/user-service";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startGateway, type RunningGateway } from "../../workers/gateway/test/start-gateway.ts";

const budgetMs = 1_000;

interface SlowCall {
  rpc: string;
  startedAt: number;
  abortedAt?: number;
  reason?: string;
}

// A slow order service: while `stall` is on, every call waits until it is aborted (or 20 s).
let stall = false;
const slowCalls: SlowCall[] = [];
const slowOrders: Interceptor = (next) => async (req) => {
  if (!stall) return next(req);
  const call: SlowCall = { rpc: req.method.name, startedAt: performance.now() };
  slowCalls.push(call);
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 20_000);
    req.signal.addEventListener(
      "abort",
      () => {
        call.abortedAt = performance.now();
        call.reason = ConnectError.from(req.signal.reason).code.toString();
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
  return next(req);
};

let order: RunningService;
let user: RunningService;
let orderLink: FaultProxy;
let gateway: RunningGateway;

beforeAll(async () => {
  order = await startService(orderServiceDefinition, testServiceEnv({ SEED_DEMO_DATA: "true" }), { interceptors: [slowOrders] });
  orderLink = await startFaultProxy({ port: order.port });
  user = await startService(userServiceDefinition, testServiceEnv({ SEED_DEMO_DATA: "true", ORDER_SERVICE_URL: orderLink.url }));
  // No edge cache: every request must reach the services (a hit would answer 200 from the edge).
  gateway = await startGateway({ userServiceUrl: user.url, orderServiceUrl: orderLink.url, vars: { UPSTREAM_TIMEOUT_MS: String(budgetMs), EDGE_CACHE_TTL_SECONDS: "0" } });
});
afterAll(async () => {
  await gateway?.stop();
  await user?.stop(0);
  await orderLink?.close();
  await order?.stop(0);
});
beforeEach(async () => {
  stall = false;
  slowCalls.length = 0;
  await orderLink.setMode({ kind: "pass" });
});

async function timedGet(path: string) {
  const started = performance.now();
  const res = await fetch(`${gateway.url}${path}`, { signal: AbortSignal.timeout(15_000) });
  const body = (await res.json()) as Record<string, unknown>;
  return { res, body, elapsedMs: performance.now() - started };
}

describe("a slow order service behind the user service", () => {
  it("answers 504 problem JSON at the gateway's budget, and the order service sees its call aborted", async () => {
    expect((await timedGet("/api/users/1")).res.status).toBe(200);
    stall = true;
    const { res, body, elapsedMs } = await timedGet("/api/users/1");
    expect(res.status).toBe(504);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(body).toMatchObject({ status: 504, code: "deadline_exceeded", title: "Upstream timeout", requestId: expect.any(String) });
    // At the budget: not before it, and not long after (no hang, no retry of a spent deadline).
    expect(elapsedMs).toBeGreaterThanOrEqual(budgetMs - 50);
    expect(elapsedMs).toBeLessThan(budgetMs + 1_500);
    // The call reached the order service with what was left of the budget, and was cancelled there.
    await expect.poll(() => slowCalls[0]?.abortedAt, { timeout: 3_000 }).toBeDefined();
    const [call] = slowCalls;
    expect(call!.rpc).toBe("GetOrdersByUserId");
    expect(call!.abortedAt! - call!.startedAt).toBeLessThan(budgetMs + 200);
    expect(slowCalls).toHaveLength(1);
  });

  it("a list is cut off at the budget the same way", async () => {
    stall = true;
    const { res, elapsedMs } = await timedGet("/api/users?pageSize=2");
    expect(res.status).toBe(504);
    expect(elapsedMs).toBeLessThan(budgetMs + 1_500);
    await expect.poll(() => slowCalls[0]?.abortedAt, { timeout: 3_000 }).toBeDefined();
    expect(slowCalls[0]!.rpc).toBe("GetOrdersByUserIds");
  });

  it("a slow network between the services (5 s per packet) is a 504 at the budget too; it serves again once the network is back", async () => {
    await orderLink.setMode({ kind: "latency", perChunkMs: 5_000 });
    const { res, body, elapsedMs } = await timedGet("/api/users/2");
    expect(res.status).toBe(504);
    expect(body).toMatchObject({ code: "deadline_exceeded" });
    expect(elapsedMs).toBeGreaterThanOrEqual(budgetMs - 50);
    expect(elapsedMs).toBeLessThan(budgetMs + 1_500);
    await orderLink.setMode({ kind: "pass" });
    await expect.poll(async () => (await timedGet("/api/users/2")).res.status, { timeout: 10_000, interval: 250 }).toBe(200);
  });

  it("a fast request in between is not held up by the slow one", async () => {
    stall = true;
    const slow = leftInFlight(timedGet("/api/users/1"));
    const fast = await fetch(`${gateway.url}/healthz`);
    expect(fast.status).toBe(200);
    expect((await slow).res.status).toBe(504);
  });
});
