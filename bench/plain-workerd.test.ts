import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BuiltBundle } from "./gateway-bundle.ts";
import { startCacheBackend, type CacheBackend } from "./cache-backend.ts";
import { problemLines, startPlainWorkerd, type PlainWorkerd } from "./plain-workerd.ts";
import { healthzHeaders } from "./workerd-config.ts";

// A stand-in for the dry-run bundle: a Worker that shows its bindings and calls
// USER_SERVICE_URL, so the generated config is checked by workerd itself.
const worker = `export default {
  async fetch(request, env) {
    const path = new URL(request.url).pathname;
    if (path === "/upstream") return new Response(await (await fetch(env.USER_SERVICE_URL)).text());
    if (path === "/cache") {
      if (env.EDGE_CACHE_TTL_SECONDS === undefined) return caches.default.match("https://cache-test.internal/").then(() => new Response("answered"), (e) => new Response(String(e)));
      const key = "https://cache-test.internal/entry?q=1";
      await caches.default.put(key, new Response("stored", { headers: { "cache-control": "max-age=60", "x-kept": "yes" } }));
      const hit = await caches.default.match(key);
      const deleted = await caches.default.delete(key);
      const after = await caches.default.match(key);
      return Response.json({ ttl: env.EDGE_CACHE_TTL_SECONDS ?? null, hit: hit ? [await hit.text(), hit.headers.get("x-kept")] : null, deleted, after: after === undefined ? null : "still there" });
    }
    console.warn("a warning");
    return Response.json({ USER_SERVICE_URL: env.USER_SERVICE_URL, PUBLIC_READS: env.PUBLIC_READS, SECRET: env.SERVICE_TOKEN_SECRET, RATE_LIMITER: env.RATE_LIMITER ?? null });
  },
};
`;

describe("startPlainWorkerd", () => {
  const dir = mkdtempSync(join(tmpdir(), "bench-plain-workerd-"));
  let upstream: Server;
  let upstreamUrl: string;
  let workerd: PlainWorkerd;
  let cacheBackend: CacheBackend;

  beforeAll(async () => {
    writeFileSync(join(dir, "index.js"), worker);
    upstream = createServer((_req, res) => res.end("from loopback"));
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as { port: number }).port}/`;
    const bundle: BuiltBundle = {
      dir,
      code: worker,
      sourceMap: "",
      compatibilityDate: "2025-09-01",
      files: ["index.js"],
      mainModule: "index.js",
      wrangler: { compatibility_date: "2025-09-01", vars: { USER_SERVICE_URL: "http://127.0.0.1:9", PUBLIC_READS: "true" } },
      remove: () => {},
    };
    cacheBackend = await startCacheBackend();
    workerd = await startPlainWorkerd(bundle, {
      vars: { USER_SERVICE_URL: upstreamUrl },
      secrets: { SERVICE_TOKEN_SECRET: "s3cret" },
      logFile: join(dir, "workerd.log"),
      edgeCache: { backend: cacheBackend.address, ttlSeconds: 30 },
    });
  });

  afterAll(async () => {
    await workerd?.stop();
    await cacheBackend?.stop();
    await new Promise((resolve) => upstream?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs the Worker with wrangler.toml's vars, the bench's overrides and the secret from its environment, and no rate limiter", async () => {
    const res = await fetch(`${workerd.url}/`);
    expect(await res.json()).toEqual({ USER_SERVICE_URL: upstreamUrl, PUBLIC_READS: "true", SECRET: "s3cret", RATE_LIMITER: null });
  });

  it("lets the Worker fetch from loopback", async () => {
    expect(await (await fetch(`${workerd.url}/upstream`)).text()).toBe("from loopback");
  });

  it("answers with a constant on the floor socket, in the same process", async () => {
    const res = await fetch(`${workerd.constantUrl}/healthz`);
    expect(await res.text()).toBe("ok\n");
    expect(workerd.constantUrl).not.toBe(workerd.url);
  });

  it("answers with a constant and /healthz's headers on a socket of its own", async () => {
    const res = await fetch(`${workerd.constantWithHeadersUrl}/healthz`);
    expect(await res.text()).toBe('{"status":"ok"}');
    for (const [name, value] of healthzHeaders) expect(res.headers.get(name), name).toBe(value);
  });

  it("gives the measured gateway no cache backend", async () => {
    expect(await (await fetch(`${workerd.url}/cache`)).text()).toBe("Error: No Cache was configured");
  });

  it("runs the Worker again with its edge cache on, the Cache API answered by the backend outside the process", async () => {
    expect(workerd.cachedUrl).toBeDefined();
    const before = cacheBackend.stats();
    expect(await (await fetch(`${workerd.cachedUrl}/cache`)).json()).toEqual({ ttl: "30", hit: ["stored", "yes"], deleted: true, after: null });
    expect(cacheBackend.stats()).toEqual({ hits: before.hits + 1, misses: before.misses + 1, entries: 0 });
  });

  it("keeps the Worker's warnings in its log file", async () => {
    await expect.poll(() => workerd.problems()).toContain("a warning");
  });
});

describe("problemLines", () => {
  it("keeps warnings, errors and non-JSON lines, not the expected missing rate limiter", () => {
    const log = [
      JSON.stringify({ level: "log", message: "access" }),
      JSON.stringify({ level: "warn", message: "RATE_LIMITER binding is absent: requests are not rate limited" }),
      JSON.stringify({ level: "error", message: "boom" }),
      "workerd/server: crash",
    ].join("\n");
    expect(problemLines(log, 10)).toEqual(["boom", "workerd/server: crash"]);
    expect(problemLines(log, 1)).toEqual(["boom"]);
  });
});
