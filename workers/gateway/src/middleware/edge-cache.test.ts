import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { createMemoryCache } from "../../test/memory-cache.ts";
import type { AppEnv } from "../context/app-env.ts";
import { edgeCache } from "./edge-cache.ts";
import { entityTags } from "./entity-tags.ts";

/**
 * The middleware in a minimal app: `x-test-sub`/`x-test-scope` play the authenticate
 * middleware, and a fake upstream counts calls and serves users whose name can change.
 */
function setup(ttlSeconds = 5) {
  const memory = createMemoryCache();
  const names = new Map<number, string>([[1, "Ada"], [2, "Grace"]]);
  const calls: string[] = [];
  const app = new Hono<AppEnv>();
  app.use(entityTags());
  app.use(async (c, next) => {
    const sub = c.req.header("x-test-sub");
    c.set("caller", { authenticated: sub !== undefined, sub, scope: c.req.header("x-test-scope") ?? "" });
    await next();
  });
  app.use(edgeCache({ cache: () => memory.cache as unknown as Cache, ttlSeconds }));
  app.get("/api/users/:id", (c) => {
    calls.push(`get ${c.req.path}${new URL(c.req.url).search}`);
    const id = Number(c.req.param("id"));
    const name = names.get(id);
    return name === undefined ? c.json({ code: "not_found" }, 404) : c.json({ user: { id, name, viewer: c.req.header("x-test-sub") ?? null } });
  });
  app.get("/api/users", (c) => {
    calls.push("list");
    return c.json({ users: [...names].map(([id, name]) => ({ id, name })) });
  });
  app.patch("/api/users/:id", async (c) => {
    const id = Number(c.req.param("id"));
    if (c.req.header("x-fail") === "403") return c.json({ code: "permission_denied" }, 403);
    names.set(id, ((await c.req.json()) as { name: string }).name);
    if (c.req.header("x-fail") === "504") return c.json({ code: "deadline_exceeded" }, 504);
    return c.json({ id, name: names.get(id) });
  });
  const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers });
  const patch = (path: string, name: string, headers: Record<string, string> = {}) =>
    app.request(path, { method: "PATCH", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ name }) });
  return { app, memory, calls, get, patch };
}

const alice = { "x-test-sub": "1" };
const bob = { "x-test-sub": "2" };

describe("edgeCache", () => {
  it("serves the second read of the same caller from the cache, with the same body and ETag", async () => {
    const { get, calls } = setup();
    const first = await get("/api/users/1", alice);
    const second = await get("/api/users/1", alice);
    expect([first.headers.get("x-edge-cache"), second.headers.get("x-edge-cache")]).toEqual(["MISS", "HIT"]);
    expect(await second.json()).toEqual(await first.json());
    expect(second.headers.get("etag")).toBe(first.headers.get("etag"));
    expect(second.headers.get("cache-control")).toBe("private, no-cache");
    expect(calls).toEqual(["get /api/users/1"]);
  });

  it("never serves one caller's entry to another (sub or scopes differ)", async () => {
    const { get, calls } = setup();
    await get("/api/users/1", alice);
    const asBob = await get("/api/users/1", bob);
    expect(asBob.headers.get("x-edge-cache")).toBe("MISS");
    expect(((await asBob.json()) as { user: { viewer: string } }).user.viewer).toBe("2");
    await get("/api/users/1", { ...alice, "x-test-scope": "admin" });
    await get("/api/users/1");
    expect(calls).toHaveLength(4);
    // Scope order does not matter; the set does.
    await get("/api/users/1", { ...alice, "x-test-scope": "b a" });
    expect((await get("/api/users/1", { ...alice, "x-test-scope": "a b" })).headers.get("x-edge-cache")).toBe("HIT");
  });

  it("files the query, sorted, into the key", async () => {
    const { get, calls } = setup();
    await get("/api/users/1?a=1&b=2", alice);
    expect((await get("/api/users/1?b=2&a=1", alice)).headers.get("x-edge-cache")).toBe("HIT");
    expect((await get("/api/users/1?a=2&b=2", alice)).headers.get("x-edge-cache")).toBe("MISS");
    expect(calls).toHaveLength(2);
  });

  it("a write makes the writer's and everyone else's entries of what it changed stale", async () => {
    const { get, patch } = setup();
    await get("/api/users/1", alice);
    await get("/api/users/1", bob);
    await get("/api/users", bob);
    await get("/api/users/2", bob);
    expect((await patch("/api/users/1", "Ada L.", alice)).status).toBe(200);
    for (const [who, path] of [[alice, "/api/users/1"], [bob, "/api/users/1"], [bob, "/api/users"]] as const) {
      const res = await get(path, who);
      expect(res.headers.get("x-edge-cache")).toBe("MISS");
      expect(JSON.stringify(await res.json())).toContain("Ada L.");
    }
    // Another user's entry is untouched.
    expect((await get("/api/users/2", bob)).headers.get("x-edge-cache")).toBe("HIT");
  });

  it("a write that may have happened (504) invalidates too; a refused one (403) does not", async () => {
    const { get, patch } = setup();
    await get("/api/users/1", bob);
    await patch("/api/users/1", "maybe", { ...alice, "x-fail": "403" });
    expect((await get("/api/users/1", bob)).headers.get("x-edge-cache")).toBe("HIT");
    await patch("/api/users/1", "Ada M.", { ...alice, "x-fail": "504" });
    const res = await get("/api/users/1", bob);
    expect(res.headers.get("x-edge-cache")).toBe("MISS");
    expect(JSON.stringify(await res.json())).toContain("Ada M.");
  });

  it("caches 200s only, for the TTL", async () => {
    const { get, calls, memory } = setup(5);
    await get("/api/users/9", alice);
    await get("/api/users/9", alice);
    expect(calls).toHaveLength(2);
    await get("/api/users/1", alice);
    memory.advance(4_900);
    expect((await get("/api/users/1", alice)).headers.get("x-edge-cache")).toBe("HIT");
    memory.advance(200);
    expect((await get("/api/users/1", alice)).headers.get("x-edge-cache")).toBe("MISS");
  });

  it("TTL 0: no cache at all, ETags still", async () => {
    const { get, calls, memory } = setup(0);
    const res = await get("/api/users/1", alice);
    await get("/api/users/1", alice);
    expect(calls).toHaveLength(2);
    expect(res.headers.get("x-edge-cache")).toBeNull();
    expect(res.headers.get("etag")).toMatch(/^"[\w-]{22}"$/);
    expect(memory.keys()).toEqual([]);
  });

  it("a failing cache is skipped: the read is served upstream", async () => {
    const { get, calls, memory, patch } = setup();
    memory.fail(true);
    expect((await get("/api/users/1", alice)).status).toBe(200);
    expect((await patch("/api/users/1", "X", alice)).status).toBe(200);
    expect(calls).toHaveLength(1);
  });

  it("when the current version cannot be read, reads go upstream rather than to an entry a write may have made stale", async () => {
    const { get, patch, calls, memory } = setup();
    await get("/api/users/1", bob);
    await patch("/api/users/1", "Ada P.", alice);
    memory.fail((key) => key.includes("/version/"));
    const res = await get("/api/users/1", bob);
    expect(res.headers.get("x-edge-cache")).toBeNull();
    expect(JSON.stringify(await res.json())).toContain("Ada P.");
    expect(calls).toHaveLength(2);
  });

  it("keys hold no user id or scope in the clear", async () => {
    const { get, memory } = setup();
    await get("/api/users/1", { "x-test-sub": "424242", "x-test-scope": "secret-scope" });
    expect(memory.keys().join(" ")).not.toMatch(/424242|secret-scope/);
  });
});

describe("entityTags", () => {
  it("If-None-Match with the ETag → 304 without a body; on a hit, with no upstream call", async () => {
    const { get, calls } = setup();
    const first = await get("/api/users/1", alice);
    const etag = first.headers.get("etag")!;
    const revalidated = await get("/api/users/1", { ...alice, "if-none-match": etag });
    expect(revalidated.status).toBe(304);
    expect(await revalidated.text()).toBe("");
    expect(revalidated.headers.get("etag")).toBe(etag);
    expect(calls).toHaveLength(1);
  });

  it("a stale tag gets the full answer", async () => {
    const { get, patch } = setup();
    const etag = (await get("/api/users/1", alice)).headers.get("etag")!;
    await patch("/api/users/1", "Ada N.", alice);
    const res = await get("/api/users/1", { ...alice, "if-none-match": etag });
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).not.toBe(etag);
  });
});
