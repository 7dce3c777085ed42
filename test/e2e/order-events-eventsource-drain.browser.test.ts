// A browser's own EventSource (Debian's chromium, driven by playwright-core) across a rolling
// restart of the order service, through the gateway in workerd: a second order-service process
// starts on the same PostgreSQL database, a TCP proxy (the balancer) sends new connections to it,
// and the first gets SIGTERM. The browser's stream ends with `event: reconnect`; EventSource
// reconnects by itself (retry:) with Last-Event-ID, reaches the new process and gets the order
// placed meanwhile and later changes — each change once, ids without a gap.
import { startFaultProxy, usePostgresCluster, type FaultProxy } from "@grpc-edge/service-kit/testing";
import type { Browser, Page } from "playwright-core";
import { openPageEventSource } from "./page-event-source.ts";
import { chromiumAvailable, launchChromium } from "../../workers/gateway/test/chromium-kit.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearerFor } from "../../workers/gateway/test/jwt-test-kit.ts";
import { startGateway, type RunningGateway } from "../../workers/gateway/test/start-gateway.ts";
import { cancelOrder, placeOrder } from "./order-changes.ts";
import { killAllServices, spawnService, type ServiceProcess } from "./service-process.ts";

const haveChromium = chromiumAvailable("order-events-eventsource-drain.browser.test.ts");

// A heartbeat soon after subscribing: the edge answers with the stream's first message.
const orderEnv = { WATCH_HEARTBEAT_MS: "300" };

describe.skipIf(!haveChromium)("EventSource in chromium across a rolling restart of the order service", () => {
  let orderDbUrl: string;
  let order: ServiceProcess;
  let orderLink: FaultProxy;
  let gateway: RunningGateway;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    orderDbUrl = await (await usePostgresCluster()).createDatabase("order_events_eventsource_drain");
    order = await spawnService("order", { ...orderEnv, DATABASE_URL: orderDbUrl });
    orderLink = await startFaultProxy({ port: order.port });
    const user = await spawnService("user", { ORDER_SERVICE_URL: orderLink.url });
    // PUBLIC_READS (start-gateway's default): an EventSource cannot send a bearer token.
    [gateway, browser] = await Promise.all([
      startGateway({ userServiceUrl: user.url, orderServiceUrl: orderLink.url, vars: { EDGE_CACHE_TTL_SECONDS: "0" } }),
      launchChromium(),
    ]);
    page = await (await browser.newContext()).newPage();
    // A page of the gateway whose CSP lets scripts connect to it (/healthz allows nothing).
    await page.goto(`${gateway.url}/docs/`);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    await orderLink?.close();
    await killAllServices();
  });


  it("ends the stream with reconnect on SIGTERM; the browser reconnects by itself with Last-Event-ID to the new process and loses or repeats nothing", { timeout: 60_000 }, async () => {
    const petar = await bearerFor("1");
    const { seen, opens } = await openPageEventSource(page, "/api/users/1/orders:watch", ["placed", "cancelled", "reconnect", "error", "reset"]);
    const types = async () => (await seen()).map((e) => e.type);
    await expect.poll(opens, { timeout: 5_000 }).toBe(1);
    const first = await placeOrder(gateway.url, petar, 1, 2);
    await expect.poll(types, { timeout: 5_000 }).toEqual(["placed"]);

    // The roll: the new process first, the balancer switched to it, then SIGTERM for the old one.
    const old = order;
    order = await spawnService("order", { ...orderEnv, DATABASE_URL: orderDbUrl });
    orderLink.setTarget({ port: order.port });
    old.signal("SIGTERM");
    await expect.poll(types, { timeout: 5_000 }).toEqual(["placed", "reconnect"]);
    expect(await old.exited).toBe(0);
    expect(old.output()).toContain('"drained":true');

    // Placed around the browser's reconnect (retry: 2000): it arrives once either way.
    const meanwhile = await placeOrder(gateway.url, petar, 1, 3);
    await expect.poll(opens, { timeout: 10_000 }).toBe(2);
    await expect.poll(async () => (await seen()).length, { timeout: 5_000 }).toBe(3);
    await cancelOrder(gateway.url, petar, first);
    await expect.poll(async () => (await seen()).length, { timeout: 5_000 }).toBe(4);

    const events = await seen();
    expect(events.map((e) => [e.type, e.data.order?.id])).toEqual([
      ["placed", first],
      ["reconnect", undefined],
      ["placed", meanwhile],
      ["cancelled", first],
    ]);
    const ids = events.filter((e) => e.type !== "reconnect").map((e) => BigInt(e.lastEventId));
    expect(ids.map((id) => id - ids[0]!)).toEqual([0n, 1n, 2n]);
  });
});
