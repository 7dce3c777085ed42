import { connectNodeAdapter } from "@connectrpc/connect-node";
import { UserService } from "@grpc-edge/proto/user/v1";
import type { HandlerContext } from "@connectrpc/connect";
import http from "node:http";
import type net from "node:net";
import type { Browser, Page } from "playwright-core";
import { chromiumAvailable, chromiumPath, launchChromium } from "./chromium-kit.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { create } from "@bufbuild/protobuf";
import { UserSchema, type CreateUserRequest } from "@grpc-edge/proto/user/v1";
import { decodeJwt } from "jose";
import { mintJwt } from "./jwt-test-kit.ts";
import { startGateway, type RunningGateway } from "./start-gateway.ts";
import { createFixtureUserService } from "./user-fixtures.ts";

// /docs in a real browser (Debian's chromium, driven by playwright-core) against the shipped
// bundle and assets in real workerd, in front of a real Connect server. Every request that
// does not go to 127.0.0.1 is blocked and recorded: the page must work offline.

const haveChromium = chromiumAvailable("docs-page.browser.test.ts");

describe.skipIf(!haveChromium)(
  `/docs in chromium${haveChromium ? "" : ` (SKIPPED: no ${chromiumPath}; apt-get install chromium, as .ci/run does)`}`,
  () => {
    const service = createFixtureUserService();
    // Creates made from the page, with the subject of the service token that came with each.
    const created: { request: CreateUserRequest; sub: unknown }[] = [];
    const createUser = (request: CreateUserRequest, ctx: HandlerContext) => {
      created.push({ request, sub: decodeJwt(ctx.requestHeader.get("authorization")!.replace(/^Bearer /, "")).sub });
      return create(UserSchema, { id: 3, firstName: request.firstName, lastName: request.lastName, email: request.email });
    };
    const outsideRequests: string[] = [];
    const pageErrors: string[] = [];
    const timings: Record<string, number> = {};
    let upstream: http.Server;
    let gateway: RunningGateway;
    let browser: Browser;
    let page: Page;

    beforeAll(async () => {
      upstream = http.createServer(connectNodeAdapter({ routes: (router) => router.service(UserService, { ...service.impl, createUser }) }));
      await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
      const port = (upstream.address() as net.AddressInfo).port;
      const start = performance.now();
      [gateway, browser] = await Promise.all([
        startGateway({ userServiceUrl: `http://127.0.0.1:${port}`, orderServiceUrl: `http://127.0.0.1:${port}` }),
        launchChromium(),
      ]);
      timings.gatewayAndBrowserMs = performance.now() - start;
      const context = await browser.newContext();
      await context.route("**/*", (route) => {
        const url = new URL(route.request().url());
        if (url.hostname === "127.0.0.1") return route.continue();
        outsideRequests.push(url.href);
        return route.abort("blockedbyclient");
      });
      page = await context.newPage();
      page.on("pageerror", (err) => pageErrors.push(err.message));
      page.on("console", (msg) => {
        if (msg.type() === "error") pageErrors.push(msg.text());
      });
    });

    afterAll(async () => {
      if (Object.keys(timings).length > 0) console.info(`/docs timings (ms): ${JSON.stringify(timings, (_, v: unknown) => (typeof v === "number" ? Math.round(v) : v))}`);
      await browser?.close();
      await gateway?.stop();
      upstream?.closeAllConnections();
      upstream?.close();
    });

    it("opens /docs and lists the API's operations, loaded from the gateway alone", async () => {
      const start = performance.now();
      const response = await page.goto(`${gateway.url}/docs`);
      expect(response?.status()).toBe(200);
      expect(page.url()).toBe(`${gateway.url}/docs/`);
      await page.locator(".opblock").first().waitFor();
      timings.pageToOperationsMs = performance.now() - start;

      const operations = await page
        .locator(".opblock-summary")
        .evaluateAll((summaries) =>
          summaries.map(
            (s) => `${s.querySelector(".opblock-summary-method")?.textContent} ${s.querySelector(".opblock-summary-path")?.getAttribute("data-path")}`,
          ),
        );
      expect(operations.sort()).toEqual(
        [
          "GET /api/users/{id}",
          "PATCH /api/users/{id}",
          "DELETE /api/users/{id}",
          "GET /api/users",
          "POST /api/users",
          "GET /api/items",
          "GET /api/items/{id}",
          "POST /api/users/{userId}/orders",
          "GET /api/users/{userId}/orders",
          "GET /api/users/{userId}/orders:watch",
          "GET /api/orders/{id}",
          "POST /api/orders/{id}:cancel",
        ].sort(),
      );
      await expect(page.locator(".info .title").textContent()).resolves.toContain("grpc-edge REST API");
      expect(outsideRequests).toEqual([]);
      expect(pageErrors).toEqual([]);
    });

    it("GET /api/users/{id}: Try it out, id 1, Execute shows the user from the service", async () => {
      const op = page.locator(".opblock-get").filter({ has: page.locator('.opblock-summary-path[data-path="/api/users/{id}"]') });
      await op.locator(".opblock-summary").click();
      await op.getByRole("button", { name: "Try it out" }).click();
      await op.locator('tr[data-param-name="id"] input').fill("1");
      const calls = service.calls.length;
      const start = performance.now();
      await op.getByRole("button", { name: "Execute" }).click();

      const live = op.locator(".live-responses-table");
      await expect.poll(() => live.locator("tbody .response-col_status").first().textContent(), { timeout: 10_000 }).toBe("200");
      timings.executeToResponseMs = performance.now() - start;
      const body = await live.locator("tbody .response-col_description .microlight").first().textContent();
      expect(JSON.parse(body ?? "")).toMatchObject({
        user: { id: 1, firstName: "Ada", lastName: "Lovelace", email: "ada@example.com", orders: [{ item: { name: "Analytical Engine" } }] },
      });
      await expect(op.locator(".request-url").textContent()).resolves.toContain(`${gateway.url}/api/users/1`);
      expect(service.calls.slice(calls)).toMatchObject([{ method: "getUserById", id: 1 }]);
      expect(outsideRequests).toEqual([]);
      expect(pageErrors).toEqual([]);
    });

    it("a rejected id shows the gateway's problem details on the page", async () => {
      const op = page.locator(".opblock-get").filter({ has: page.locator('.opblock-summary-path[data-path="/api/users/{id}"]') });
      await op.locator('tr[data-param-name="id"] input').fill("999");
      await op.getByRole("button", { name: "Execute" }).click();
      const live = op.locator(".live-responses-table");
      await expect.poll(() => live.locator("tbody .response-col_status").first().textContent(), { timeout: 10_000 }).toBe("404");
      const body = await live.locator("tbody .response-col_description .microlight").first().textContent();
      expect(JSON.parse(body ?? "")).toMatchObject({ status: 404, code: "not_found", detail: "user 999 not found" });
      expect(outsideRequests).toEqual([]);
      if (process.env.DOCS_SCREENSHOT) await page.screenshot({ path: process.env.DOCS_SCREENSHOT, fullPage: true });
    });

    it("Authorize with a pasted dev token, then POST /api/users from the page: 201 Created", async () => {
      const token = await mintJwt({ sub: "42", scope: "admin" });
      // The previous test's 404 is on the console already: only new errors count.
      const errorsBefore = pageErrors.length;
      await page.locator(".auth-wrapper .authorize").click();
      const dialog = page.locator(".dialog-ux");
      await dialog.locator("input").first().fill(token);
      await dialog.locator("button.modal-btn.authorize").click();
      await dialog.locator("button.modal-btn.btn-done").click();

      const op = page.locator(".opblock-post").filter({ has: page.locator('.opblock-summary-path[data-path="/api/users"]') });
      await op.locator(".opblock-summary").click();
      await op.getByRole("button", { name: "Try it out" }).click();
      await op.locator("textarea.body-param__text").fill(JSON.stringify({ firstName: "Page", lastName: "Writer", email: "page.writer@example.com" }));
      await op.getByRole("button", { name: "Execute" }).click();
      const live = op.locator(".live-responses-table");
      await expect.poll(() => live.locator("tbody .response-col_status").first().textContent(), { timeout: 10_000 }).toBe("201");
      const body = await live.locator("tbody .response-col_description .microlight").first().textContent();
      expect(JSON.parse(body ?? "")).toMatchObject({ id: 3, firstName: "Page", lastName: "Writer" });
      // The page sent the token: the service saw the pasted token's subject, the gateway's service token carrying it.
      expect(created).toEqual([{ request: expect.objectContaining({ firstName: "Page", email: "page.writer@example.com" }), sub: "42" }]);
      // The Location of the new user, readable by the page's script.
      await expect(live.locator("tbody .response-col_description").first().textContent()).resolves.toContain("/api/users/3");
      expect(outsideRequests).toEqual([]);
      expect(pageErrors.slice(errorsBefore)).toEqual([]);
    });

    // Last: proves the guard the "offline" assertions above rely on does block and record.
    it("the offline guard blocks and records a request to anywhere but 127.0.0.1", async () => {
      const cdn = "https://cdn.jsdelivr.net/npm/swagger-ui-dist/swagger-ui.css";
      const tryFetch = () => page.evaluate((url) => fetch(url).then(() => "loaded", () => "blocked"), cdn);
      // On /docs/ the page's own CSP (connect-src 'self', from _headers) stops it inside the browser.
      expect(await tryFetch()).toBe("blocked");
      expect(outsideRequests).toEqual([]);
      // Outside that CSP, the guard itself blocks and records it.
      await page.goto("about:blank");
      expect(await tryFetch()).toBe("blocked");
      expect(outsideRequests).toEqual([cdn]);
    });
  },
);
