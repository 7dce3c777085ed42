import { fileURLToPath } from "node:url";
import { freePort, serviceTokenInterceptor, spawnServiceProcess, type ServiceProcess, leftInFlight } from "@grpc-edge/service-kit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrderClient } from "../src/index.ts";

// Two real order-service processes, one per loopback address on the same port, behind one
// made-up host name whose addresses the test controls (as Cloud Map DNS answers with one
// address per order task).
const orderMain = fileURLToPath(new URL("../../order/src/main.ts", import.meta.url));
const addresses = ["127.0.0.1", "127.0.0.2"];
let port: number;
let tasks: ServiceProcess[] = [];
let answer: string[] = [];
let lookups: string[] = [];

beforeAll(async () => {
  port = await freePort();
  tasks = addresses.map((host) => spawnServiceProcess(orderMain, { HOST: host, PORT: String(port), PGLITE_DATA_DIR: "memory://", SEED_DEMO_DATA: "true" }));
  for (const host of addresses) {
    const deadline = Date.now() + 55_000; // a loaded machine starts slowly
    while ((await fetch(`http://${host}:${port}/readyz`).then((r) => r.status, () => 0)) !== 200) {
      if (Date.now() > deadline) throw new Error(`order task on ${host} not ready:\n${tasks.map((t) => t.output()).join("\n")}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
});
afterAll(async () => {
  await Promise.all(tasks.map((t) => t.kill()));
});

/** GetItem calls each task has served so far (its own per-RPC log lines). */
const served = () => tasks.map((t) => t.logs().filter((l) => l.msg === "rpc" && l.rpc === "orders.v1.OrderService/GetItem").length);
const resolve = async (host: string) => {
  lookups.push(host);
  return [...answer];
};

describe("user → order calls over every order task", () => {
  it("spread round robin over every address (each ≥ 30 %); an address gone from DNS stops getting calls", async () => {
    answer = [...addresses];
    lookups = [];
    const orders = createOrderClient(`http://orders.internal:${port}`, { resolve, reresolveMs: 100, interceptors: [serviceTokenInterceptor()] });
    try {
      const before = served();
      for (let i = 0; i < 60; i++) expect((await orders.client.getItem({ id: (i % 3) + 1 })).id).toBe((i % 3) + 1);
      // Also concurrently, as a busy user service calls.
      await Promise.all(Array.from({ length: 40 }, (_, i) => orders.client.getItem({ id: (i % 3) + 1 })));
      await expect.poll(() => served().reduce((a, b) => a + b) - before.reduce((a, b) => a + b), { timeout: 5_000 }).toBe(100);
      const share = served().map((n, i) => (n - before[i]!) / 100);
      expect(Math.min(...share)).toBeGreaterThanOrEqual(0.3);
      expect(lookups[0]).toBe("orders.internal");

      // The second task leaves DNS (scaled in, replaced): after the next resolution, no more calls.
      answer = ["127.0.0.1"];
      await expect.poll(() => orders.sessions.addresses(), { timeout: 5_000 }).toEqual(["127.0.0.1"]);
      const afterRemoval = served();
      for (let i = 0; i < 20; i++) await orders.client.getItem({ id: 1 });
      await expect.poll(() => served()[0]! - afterRemoval[0]!, { timeout: 5_000 }).toBe(20);
      expect(served()[1]).toBe(afterRemoval[1]);

      // And back: it gets its share again.
      answer = [...addresses];
      await expect.poll(() => orders.sessions.addresses(), { timeout: 5_000 }).toEqual(addresses);
      const afterReturn = served();
      for (let i = 0; i < 20; i++) await orders.client.getItem({ id: 2 });
      await expect.poll(() => served().map((n, i) => n - afterReturn[i]!), { timeout: 5_000 }).toEqual([10, 10]);
    } finally {
      orders.close();
    }
  });

  it("keeps the known addresses when resolving fails, and sends a call no address accepted to the next one", async () => {
    let failing = false;
    const orders = createOrderClient(`http://orders.internal:${port}`, {
      reresolveMs: 100,
      interceptors: [serviceTokenInterceptor()],
      // 127.0.0.3 has no order task: connections to it are refused, and nothing was sent.
      resolve: async () => {
        if (failing) throw Object.assign(new Error("getaddrinfo EAI_AGAIN orders.internal"), { code: "EAI_AGAIN" });
        return ["127.0.0.3", "127.0.0.1"];
      },
    });
    try {
      const before = served();
      for (let i = 0; i < 10; i++) expect((await orders.client.getItem({ id: 1 })).id).toBe(1);
      await expect.poll(() => served()[0]! - before[0]!, { timeout: 5_000 }).toBe(10);
      failing = true;
      await new Promise((r) => setTimeout(r, 300)); // several failed resolutions
      expect(orders.sessions.addresses()).toEqual(["127.0.0.3", "127.0.0.1"]);
      expect((await orders.client.getItem({ id: 3 })).id).toBe(3);
    } finally {
      orders.close();
    }
  });

  it("loses no call while an order task drains and exits (SIGTERM) under load: GOAWAY'd and refused streams go to the other task", async () => {
    answer = [...addresses];
    const orders = createOrderClient(`http://orders.internal:${port}`, { resolve, reresolveMs: 60_000, interceptors: [serviceTokenInterceptor()] });
    try {
      let stop = false;
      const outcomes: string[] = [];
      const loop = async () => {
        while (!stop) outcomes.push(await orders.client.getItem({ id: 2 }).then(() => "ok", (error: Error) => error.message));
      };
      const loops = leftInFlight(Promise.all([loop(), loop(), loop(), loop()]));
      await expect.poll(() => outcomes.length, { timeout: 10_000 }).toBeGreaterThan(40);
      expect(served()[1]).toBeGreaterThan(0);
      tasks[1]!.signal("SIGTERM");
      expect(await tasks[1]!.exited).toBe(0);
      const atExit = outcomes.length;
      await expect.poll(() => outcomes.length - atExit, { timeout: 5_000 }).toBeGreaterThan(40);
      stop = true;
      await loops;
      // (Still in DNS: the exited task's address is only skipped, its connections refused.)
      expect(outcomes.filter((o) => o !== "ok")).toEqual([]);
    } finally {
      orders.close();
    }
  });
});
