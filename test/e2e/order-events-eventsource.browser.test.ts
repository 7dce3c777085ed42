// A browser's own EventSource (Debian's chromium, driven by playwright-core) on
// GET /api/users/1/orders:watch through the gateway in workerd and both real services:
// events of orders placed and cancelled through REST arrive; when the order service ends
// the stream (its idle limit: RECONNECT), the browser reconnects by itself with
// Last-Event-ID and gets what happened meanwhile, once.
import { orderServiceDefinition } from "@grpc-edge/order-service";
import { startService, type RunningService } from "@grpc-edge/service-kit";
import { TEST_SERVICE_TOKEN_SECRET } from "@grpc-edge/service-kit/testing";
import { userServiceDefinition } from "@grpc-edge/user-service";
import type { Browser, Page } from "playwright-core";
import { openPageEventSource } from "./page-event-source.ts";
import { chromiumAvailable, launchChromium } from "../../workers/gateway/test/chromium-kit.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintJwt } from "../../workers/gateway/test/jwt-test-kit.ts";
import { startGateway, type RunningGateway } from "../../workers/gateway/test/start-gateway.ts";

const haveChromium = chromiumAvailable("order-events-eventsource.browser.test.ts");

const env = { PORT: "0", METRICS_PORT: "0", PGLITE_DATA_DIR: "memory://", SEED_DEMO_DATA: "true", LOG_LEVEL: "silent", SERVICE_TOKEN_SECRET: TEST_SERVICE_TOKEN_SECRET };

describe.skipIf(!haveChromium)("EventSource in chromium", () => {
  let order: RunningService;
  let user: RunningService;
  let gateway: RunningGateway;
  let browser: Browser;
  let page: Page;
  let petar: Record<string, string>;

  beforeAll(async () => {
    // An idle limit the test can wait out (the service ends the stream with RECONNECT), and a
    // heartbeat soon after subscribing: the edge answers with the stream's first message. The
    // limit leaves a slow run time to place an order before a stream idles out: a stream that
    // ends before its first event carries no id to resume from, and its successor starts afresh.
    order = await startService(orderServiceDefinition, { ...env, WATCH_IDLE_LIMIT_MS: "3000", WATCH_HEARTBEAT_MS: "300" });
    user = await startService(userServiceDefinition, { ...env, ORDER_SERVICE_URL: order.url });
    // PUBLIC_READS (start-gateway's default): an EventSource cannot send a bearer token.
    [gateway, browser] = await Promise.all([
      startGateway({ userServiceUrl: user.url, orderServiceUrl: order.url }),
      launchChromium(),
    ]);
    page = await (await browser.newContext()).newPage();
    // A page of the gateway whose CSP lets scripts connect to it (/healthz allows nothing).
    await page.goto(`${gateway.url}/docs/`);
    petar = { authorization: `Bearer ${await mintJwt({ sub: "1" })}` };
  });
  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    await user?.stop(1_000);
    await order?.stop(1_000);
  });

  const place = async (itemId: number) => {
    const res = await fetch(`${gateway.url}/api/users/1/orders`, { method: "POST", headers: { ...petar, "content-type": "application/json" }, body: JSON.stringify({ itemId, amount: 1 }) });
    const body = (await res.json()) as { id: number };
    expect(res.status, JSON.stringify(body)).toBe(201);
    return body;
  };

  it("receives placed and cancelled events, reconnects after the stream is dropped and resumes without loss or repeat", async () => {
    // The first write through a fresh stack is its slowest; made before any stream is open, it is in no stream.
    await place(1);
    const { seen, opens } = await openPageEventSource(page, "/api/users/1/orders:watch", ["placed", "cancelled", "reconnect"]);
    await expect.poll(opens, { timeout: 5_000 }).toBe(1);
    const first = await place(2);
    await expect.poll(async () => (await seen()).map((e) => e.type), { timeout: 5_000 }).toEqual(["placed"]);

    // Idle for 3 s: RECONNECT, the stream ends; an order placed before the browser is back…
    await expect.poll(async () => (await seen()).map((e) => e.type), { timeout: 8_000 }).toEqual(["placed", "reconnect"]);
    const meanwhile = await place(3);
    // …arrives once it has reconnected (retry: 2000) with Last-Event-ID.
    await expect.poll(opens, { timeout: 6_000 }).toBe(2);
    await expect.poll(async () => (await seen()).length, { timeout: 5_000 }).toBe(3);
    const cancel = await fetch(`${gateway.url}/api/orders/${first.id}:cancel`, { method: "POST", headers: petar });
    expect(cancel.status).toBe(200);
    await expect.poll(async () => (await seen()).length, { timeout: 5_000 }).toBe(4);

    const events = await seen();
    expect(events.map((e) => [e.type, e.data.order?.id])).toEqual([
      ["placed", first.id],
      ["reconnect", undefined],
      ["placed", meanwhile.id],
      ["cancelled", first.id],
    ]);
    // Ids without gaps: the resumed stream started right after the last event seen.
    const ids = events.filter((e) => e.type !== "reconnect").map((e) => BigInt(e.lastEventId));
    expect(ids.map((id) => id - ids[0]!)).toEqual([0n, 1n, 2n]);
  });
});
