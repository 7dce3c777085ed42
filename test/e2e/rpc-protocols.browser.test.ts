// A browser app on another origin talking gRPC-Web and Connect to the edge: Debian's
// chromium (playwright-core) opens a page whose script is @connectrpc/connect-web (bundled
// with esbuild, rpc-browser-page.ts), against the gateway in workerd and both real
// services. CORS has to let the protocols' headers through both ways for any of it to work.
import { orderServiceDefinition } from "@grpc-edge/order-service";
import { OrderEventType, OrderStatus } from "@grpc-edge/proto/orders/v1";
import { startService, type RunningService } from "@grpc-edge/service-kit";
import { TEST_SERVICE_TOKEN_SECRET } from "@grpc-edge/service-kit/testing";
import { userServiceDefinition } from "@grpc-edge/user-service";
import { Code } from "@connectrpc/connect";
import { build } from "esbuild";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { chromiumAvailable, launchChromium } from "../../workers/gateway/test/chromium-kit.ts";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { mintJwt } from "../../workers/gateway/test/jwt-test-kit.ts";
import { startGateway, type RunningGateway } from "../../workers/gateway/test/start-gateway.ts";
import type { PageStream, RpcPage, TransportKind } from "./rpc-browser-page.ts";

const haveChromium = chromiumAvailable("rpc-protocols.browser.test.ts");

const env = { PORT: "0", METRICS_PORT: "0", PGLITE_DATA_DIR: "memory://", SEED_DEMO_DATA: "true", LOG_LEVEL: "silent", SERVICE_TOKEN_SECRET: TEST_SERVICE_TOKEN_SECRET };

/** The app's own origin: a loopback server of the page and its script (another port: another origin than the gateway's). */
async function serveApp(gatewayUrl: () => string): Promise<{ origin: string; close(): Promise<void> }> {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL("./rpc-browser-page.ts", import.meta.url))],
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "chrome120",
    write: false,
    logLevel: "silent",
  });
  const script = bundle.outputFiles[0]!.contents;
  const server = http.createServer((req, res) => {
    if (req.url === "/app.js") return res.writeHead(200, { "content-type": "text/javascript" }).end(script);
    res.writeHead(200, { "content-type": "text/html" }).end(`<!doctype html><meta name="gateway" content="${gatewayUrl()}"><script src="/app.js"></script>`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe.skipIf(!haveChromium)("connect-web in chromium, against the edge from another origin", () => {
  let order: RunningService;
  let user: RunningService;
  let gateway: RunningGateway;
  let app: Awaited<ReturnType<typeof serveApp>>;
  let browser: Browser;
  let page: Page;
  let token: string;

  beforeAll(async () => {
    order = await startService(orderServiceDefinition, { ...env, WATCH_HEARTBEAT_MS: "300" });
    user = await startService(userServiceDefinition, { ...env, ORDER_SERVICE_URL: order.url });
    app = await serveApp(() => gateway.url);
    [gateway, browser] = await Promise.all([
      startGateway({ userServiceUrl: user.url, orderServiceUrl: order.url, vars: { PUBLIC_READS: "false", CORS_ALLOWED_ORIGINS: app.origin } }),
      launchChromium(),
    ]);
    page = await (await browser.newContext()).newPage();
    await page.goto(`${app.origin}/`);
    token = await mintJwt({ sub: "1" });
  });
  afterEach(async () => {
    await page?.evaluate(() => (window as unknown as { rpcPage: RpcPage }).rpcPage.closeAll());
  });
  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    await app?.close();
    await user?.stop(1_000);
    await order?.stop(1_000);
  });

  const getItemName = (kind: TransportKind, id: number, withToken: boolean) =>
    page.evaluate(([kind, id, token]) => (window as unknown as { rpcPage: RpcPage }).rpcPage.getItemName(kind, id, token ?? undefined), [kind, id, withToken ? token : null] as const);
  const cancelOrder = (kind: TransportKind, id: number) =>
    page.evaluate(([kind, id]) => (window as unknown as { rpcPage: RpcPage }).rpcPage.cancelOrder(kind, id, undefined), [kind, id] as const);
  const watch = (name: string, kind: TransportKind, userId: number, withToken: boolean) =>
    page.evaluate(([name, kind, userId, token]) => (window as unknown as { rpcPage: RpcPage }).rpcPage.watch(name, kind, userId, token ?? undefined), [name, kind, userId, withToken ? token : null] as const);
  const stream = (name: string) => page.evaluate((name) => (window as unknown as { rpcPage: RpcPage }).rpcPage.streams[name], name) as Promise<PageStream>;
  const rest = async (path: string, body?: object) => {
    const res = await fetch(`${gateway.url}${path}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body === undefined ? null : JSON.stringify(body) });
    expect(res.status).toBeLessThan(300);
    return (await res.json()) as { id: number };
  };

  it.each(["grpc-web", "connect"] as const)("%s: a unary read with a token, and WatchOrders streaming an order placed and cancelled through REST", async (kind) => {
    expect(await getItemName(kind, 2, true)).toBe("book");
    await watch(kind, kind, 1, true);
    // A heartbeat first: the stream is open, through CORS, before anything is placed.
    await expect.poll(async () => (await stream(kind)).events[0]?.type, { timeout: 5_000 }).toBe(OrderEventType.HEARTBEAT);
    const placed = await rest("/api/users/1/orders", { itemId: 3, amount: 1 });
    await rest(`/api/orders/${placed.id}:cancel`);
    const orderEvents = async () => (await stream(kind)).events.filter((e) => e.type !== OrderEventType.HEARTBEAT).map((e) => [e.type, e.orderId, e.orderStatus]);
    await expect.poll(orderEvents, { timeout: 5_000 }).toEqual([
      [OrderEventType.PLACED, placed.id, OrderStatus.PLACED],
      [OrderEventType.CANCELLED, placed.id, OrderStatus.CANCELLED],
    ]);
    expect((await stream(kind)).errorCode).toBeUndefined();
  });

  it.each(["grpc-web", "connect"] as const)("%s: without a token the page's client sees unauthenticated, for a write and for the stream", async (kind) => {
    // Items are public: the read works without a token; the write does not.
    expect(await getItemName(kind, 1, false)).toBe("pencil");
    expect(await cancelOrder(kind, 1)).toBe(`error ${Code.Unauthenticated}`);
    await watch(`${kind}-anonymous`, kind, 1, false);
    await expect.poll(async () => (await stream(`${kind}-anonymous`)).errorCode, { timeout: 5_000 }).toBe(Code.Unauthenticated);
  });
});
