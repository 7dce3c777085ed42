// Rolling restarts under load fail zero requests. Four clients loop REST GETs through
// the gateway (real workerd) while a service is replaced the way a load balancer does it:
// the new process starts, new connections go to it (a TCP proxy plays the balancer), and
// the old one gets SIGTERM — it drains in-flight calls, closes keep-alive connections
// after their response and sends HTTP/2 GOAWAY. What bridges the gaps: the gateway retries
// reads on UNAVAILABLE, and the user service's HTTP/2 client reconnects after GOAWAY.
import { startFaultProxy, type FaultProxy } from "@grpc-edge/service-kit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type RunningGateway } from "../../workers/gateway/test/start-gateway.ts";
import { killAllServices, spawnService, type ServiceProcess } from "./service-process.ts";

const clients = 4;
const paths = ["/api/users/1", "/api/users?pageSize=3", "/api/items/2", "/api/users/2/orders", "/api/orders/1"];

let orders: [ServiceProcess, ServiceProcess];
let users: [ServiceProcess, ServiceProcess];
let orderLink: FaultProxy;
let userLink: FaultProxy;
let gateway: RunningGateway;

beforeAll(async () => {
  orders = await Promise.all([spawnService("order"), spawnService("order")]);
  orderLink = await startFaultProxy({ port: orders[0].port });
  users = await Promise.all([spawnService("user", { ORDER_SERVICE_URL: orderLink.url }), spawnService("user", { ORDER_SERVICE_URL: orderLink.url })]);
  userLink = await startFaultProxy({ port: users[0].port });
  // No edge cache: every request of the load must reach the services being restarted.
  gateway = await startGateway({ userServiceUrl: userLink.url, orderServiceUrl: orderLink.url, vars: { EDGE_CACHE_TTL_SECONDS: "0" } });
}, 120_000);
afterAll(async () => {
  await gateway?.stop();
  await Promise.all([userLink?.close(), orderLink?.close()]);
  await killAllServices();
});

interface LoadResult {
  ok: number;
  failures: string[];
  /** Requests answered 200 after the roll finished: the new process took over. */
  okAfterRoll: number;
}

/** Runs `clients` loops of GETs from 1 s before `during` until 1 s after it finished. */
async function underLoad(during: () => Promise<void>): Promise<LoadResult> {
  const result: LoadResult = { ok: 0, failures: [], okAfterRoll: 0 };
  let rolled = false;
  let stop = false;
  const loop = async (client: number) => {
    for (let i = client; !stop; i++) {
      const path = paths[i % paths.length]!;
      try {
        const res = await fetch(`${gateway.url}${path}`, { signal: AbortSignal.timeout(10_000) });
        const text = await res.text();
        if (res.status === 200) {
          result.ok++;
          if (rolled) result.okAfterRoll++;
        } else result.failures.push(`${path} → ${res.status} ${text.slice(0, 200)}`);
      } catch (err) {
        result.failures.push(`${path} → ${(err as Error).message}`);
      }
    }
  };
  const loops = Array.from({ length: clients }, (_, i) => loop(i));
  await new Promise((r) => setTimeout(r, 1_000));
  await during();
  rolled = true;
  await new Promise((r) => setTimeout(r, 1_000));
  stop = true;
  await Promise.all(loops);
  // Why a call failed is in the user service's error log lines.
  if (result.failures.length > 0) for (const u of users) console.info(u.output().split("\n").filter((l) => l.includes('"level":"error"')).join("\n"));
  console.info(`rolling restart under load: ${result.ok} ok (${result.okAfterRoll} after the roll), ${result.failures.length} failed`);
  return result;
}

/** The balancer sends new connections to the new process; then the old one gets SIGTERM. */
async function roll(link: FaultProxy, from: ServiceProcess, to: ServiceProcess): Promise<void> {
  link.setTarget({ port: to.port });
  from.signal("SIGTERM");
  expect(await from.exited).toBe(0);
  expect(from.output()).toContain('"drained":true');
}

describe("rolling restarts under constant load", { timeout: 30_000 }, () => {
  it("of the user service: zero failed requests", async () => {
    const started = performance.now();
    const result = await underLoad(() => roll(userLink, users[0], users[1]));
    expect(result.failures).toEqual([]);
    expect(result.ok).toBeGreaterThan(clients * 2);
    expect(result.okAfterRoll).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(15_000);
  });

  it("of the order service: zero failed requests (the user service follows GOAWAY to the new one)", async () => {
    const started = performance.now();
    const result = await underLoad(() => roll(orderLink, orders[0], orders[1]));
    expect(result.failures).toEqual([]);
    expect(result.ok).toBeGreaterThan(clients * 2);
    expect(result.okAfterRoll).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(15_000);
  });
});
