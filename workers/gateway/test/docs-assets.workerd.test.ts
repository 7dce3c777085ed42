import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDocsAssets, DOCS_CSP, docsAssetsDir } from "../../../scripts/build-docs-assets.ts";
import { startGateway, type RunningGateway } from "./start-gateway.ts";

// wrangler.toml's [assets] in real workerd: /docs is static, everything else is the Worker's.

let gateway: RunningGateway;

beforeAll(async () => {
  // No user service is needed: nothing here calls one.
  gateway = await startGateway({ userServiceUrl: "http://127.0.0.1:9", orderServiceUrl: "http://127.0.0.1:9" });
});

afterAll(async () => {
  await gateway?.stop();
});

const get = (p: string, init: RequestInit = {}) => fetch(`${gateway.url}${p}`, { redirect: "manual", ...init });

describe("the /docs page as static assets", () => {
  it("the build writes only the page, Swagger UI's bundle and stylesheet, and their licence", () => {
    expect(buildDocsAssets()).toEqual([
      "docs.js",
      "index.html",
      "swagger-ui-LICENSE.txt",
      "swagger-ui-NOTICE.txt",
      "swagger-ui-bundle.js",
      "swagger-ui.css",
    ]);
    // docs/ and the _headers file that gives it a CSP; nothing else, so other paths reach the Worker.
    expect(readdirSync(docsAssetsDir).sort()).toEqual(["_headers", "docs"]);
    expect(readdirSync(path.join(docsAssetsDir, "docs")).sort()).toEqual(buildDocsAssets());
  });

  it("/docs redirects to /docs/, which is the Swagger UI page loading only its own files", async () => {
    const redirect = await get("/docs");
    expect(redirect.status).toBe(307);
    expect(redirect.headers.get("location")).toBe("/docs/");

    const page = await get("/docs/");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await page.text();
    const loaded = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(loaded).toEqual(["data:,", "swagger-ui.css", "swagger-ui-bundle.js", "docs.js"]);
    expect(html).not.toMatch(/<script>(?!<\/script>)/); // no inline script: CSP script-src 'self' is enough
    for (const file of loaded.filter((f) => !f.startsWith("data:"))) {
      const res = await get(`/docs/${file}`);
      expect(res.status, file).toBe(200);
      expect(res.headers.get("content-type"), file).toMatch(file.endsWith(".css") ? /^text\/css/ : /^text\/javascript/);
      expect((await res.text()).length, file).toBeGreaterThan(100);
    }
  });

  it("the page and its files are served with a CSP from _headers (the Worker hands them over untouched)", async () => {
    for (const path of ["/docs/", "/docs/docs.js", "/docs/swagger-ui.css"]) {
      const res = await get(path);
      expect(res.headers.get("content-security-policy"), path).toBe(DOCS_CSP);
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
      await res.arrayBuffer();
    }
    // The API's own answers keep the Worker's stricter policy.
    expect((await get("/healthz")).headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
  });

  it("the init script points Swagger UI at the gateway's /openapi.json", async () => {
    const script = await (await get("/docs/docs.js")).text();
    expect(script).toContain('new URL("../openapi.json", document.baseURI)');
    expect(new URL("../openapi.json", `${gateway.url}/docs/`).pathname).toBe("/openapi.json");
  });

  it.each([
    ["/openapi.json", 200, /^application\/json/],
    ["/healthz", 200, /^application\/json/],
    ["/nope", 404, /^application\/problem\+json$/],
    ["/docsx", 404, /^application\/problem\+json$/],
    ["/index.html", 404, /^application\/problem\+json$/],
    ["/docs/nope.js", 404, /^application\/problem\+json$/],
  ])("%s still reaches the Worker (%i)", async (p, status, type) => {
    const res = await get(p);
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toMatch(type);
    // The Worker's request-id middleware ran: assets never set this header.
    expect(res.headers.get("x-request-id")).toMatch(/.+/);
  });

  it.each([
    ["POST", "/docs/"],
    ["PUT", "/docs/docs.js"],
    ["DELETE", "/docs/swagger-ui.css"],
    ["PATCH", "/docs"],
    ["POST", "/docs/nope.js"],
  ])("%s %s → 405 problem+json with Allow: GET, HEAD, from the Worker (not the asset router's empty 405)", async (method, p) => {
    const res = await get(p, { method, body: method === "DELETE" ? undefined : "{}" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD");
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.headers.get("x-request-id")).toMatch(/.+/);
    expect(await res.json()).toMatchObject({ status: 405, type: "https://grpc-edge.dev/problems/method-not-allowed" });
  });

  it("HEAD /docs/ is the page's headers, without a body", async () => {
    const res = await get("/docs/", { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toBe(DOCS_CSP);
    expect(await res.text()).toBe("");
  });
});
