import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../context/app-env.ts";
import { cacheIdentity } from "../cache/cache-identity.ts";
import { readTag, writeTags } from "../cache/resource-tags.ts";
import { strongEtag } from "../cache/strong-etag.ts";

export interface EdgeCacheOptions {
  /** The Workers cache (caches.default); undefined where there is none. */
  cache: () => Cache | undefined;
  /** How long a read is served from the cache; 0 turns the cache off. */
  ttlSeconds: number;
}

/** Keys are URLs on a host of our own: never a real origin, never fetched. */
const keyOrigin = "https://edge-cache.grpc-edge.internal";
// A version outlives the entries filed under it by far; if one is evicted anyway, reads
// fall back to version "0", whose entries are older than the TTL by then.
const versionTtlSeconds = 86_400;

/**
 * Reads through the Workers Cache API, per caller. A GET of a cacheable resource
 * (resource-tags.ts) is looked up under a key made of the caller's identity
 * (cache-identity.ts), the current version of the resource's tag, the path and the
 * sorted query; a hit is answered without any upstream call, a 200 miss is stored for
 * `ttlSeconds`. A write that did (or may have) changed something bumps the versions of
 * what it touched — every identity's entries for it become unreachable — and deletes
 * the caller's own entry of the written resource. Errors are never cached, and a cache
 * that fails is skipped, never an error. Answers say `Cache-Control: private, no-cache`
 * (browsers may keep them and revalidate with the ETag) and `X-Edge-Cache: HIT|MISS`.
 */
export function edgeCache({ cache: cacheOf, ttlSeconds }: EdgeCacheOptions): MiddlewareHandler<AppEnv> {
  const identityHash = hashedIdentities();
  return async (c, next) => {
    const cache = ttlSeconds > 0 ? cacheOf() : undefined;
    if (cache === undefined || c.req.method === "HEAD" || c.req.method === "OPTIONS") return next();
    const url = new URL(c.req.url);
    if (c.req.method === "GET") {
      const tag = readTag(url.pathname);
      if (tag === undefined) return next();
      const key = await entryKey(cache, url, await identityHash(c), tag);
      // Without the current version a key could name an entry a write has made stale.
      if (key === undefined) return next();
      const hit = await cache.match(key).catch(() => undefined);
      if (hit !== undefined) return answer(hit.body, hit.headers, "HIT");
      await next();
      if (c.res.status !== 200) return;
      // Read once: the answer is rebuilt from these bytes below (no tee of the body).
      const body = await c.res.arrayBuffer();
      const etag = c.res.headers.get("ETag") ?? (await strongEtag(body));
      const stored = new Headers({ "Content-Type": c.res.headers.get("Content-Type") ?? "application/json", ETag: etag, "Cache-Control": `max-age=${ttlSeconds}` });
      // Awaited, so the caller's next read finds it; a failing cache costs nothing but the hit.
      await cache.put(key, new Response(body, { headers: stored })).catch(() => {});
      c.res = answer(body, c.res.headers, "MISS", etag);
      return;
    }
    await next();
    // A refused write changed nothing; a 5xx may have (a timeout after the commit).
    if (c.res.status >= 400 && c.res.status < 500) return;
    // A write over Connect or gRPC-Web (rpc-protocols/) invalidates what its REST form would.
    const rpcWrite = c.get("rpcWrite");
    const written = rpcWrite === undefined ? url : new URL(rpcWrite.path, url);
    const answered = rpcWrite !== undefined ? rpcWrite.answer : c.res.status < 300 ? await c.res.clone().json().catch(() => undefined) : undefined;
    await invalidate(cache, written, await identityHash(c), writeTags(written.pathname, answered)).catch(() => {});
  };
}

function answer(body: BodyInit | null, from: Headers, status: "HIT" | "MISS", etag?: string): Response {
  const headers = new Headers(from);
  if (etag !== undefined) headers.set("ETag", etag);
  headers.set("Cache-Control", "private, no-cache");
  headers.set("X-Edge-Cache", status);
  return new Response(body, { status: 200, headers });
}

async function invalidate(cache: Cache, url: URL, identity: string, tags: readonly string[]): Promise<void> {
  const own = readTag(url.pathname);
  await Promise.all(
    tags.map(async (tag) => {
      // Read-your-writes for the writer even before the new version is visible to her.
      const ownKey = tag === own ? await entryKey(cache, new URL(url.pathname.replace(/:[A-Za-z]+$/, ""), url), identity, tag) : undefined;
      if (ownKey !== undefined) await cache.delete(ownKey);
      await cache.put(versionKey(url, tag), new Response(crypto.randomUUID(), { headers: { "Cache-Control": `max-age=${versionTtlSeconds}` } }));
    }),
  );
}

/** The entry's key under the tag's current version; undefined if the version cannot be read. */
async function entryKey(cache: Cache, url: URL, identity: string, tag: string): Promise<string | undefined> {
  let version: string | undefined;
  try {
    version = await (await cache.match(versionKey(url, tag)))?.text();
  } catch {
    return undefined;
  }
  const query = [...url.searchParams].sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
  const search = new URLSearchParams(query).toString();
  return `${keyOrigin}/${url.host}/entry/${identity}/${encodeURIComponent(tag)}@${version ?? "0"}${url.pathname}${search === "" ? "" : `?${search}`}`;
}

function versionKey(url: URL, tag: string): string {
  return `${keyOrigin}/${url.host}/version/${encodeURIComponent(tag)}`;
}

/** Identities this isolate has hashed; the oldest is dropped beyond this. */
const MAX_HASHED_IDENTITIES = 1_000;

/**
 * The caller's identity, hashed: keys carry no user ids or scopes in the clear. A caller
 * reads again and again: each identity is hashed once per isolate, not once per request.
 */
function hashedIdentities(): (c: Context<AppEnv>) => Promise<string> {
  const hashes = new Map<string, string>();
  return async (c) => {
    const identity = cacheIdentity(c);
    const known = hashes.get(identity);
    if (known !== undefined) return known;
    const hash = (await strongEtag(utf8.encode(identity))).replaceAll('"', "");
    if (hashes.size >= MAX_HASHED_IDENTITIES) hashes.delete(hashes.keys().next().value!);
    hashes.set(identity, hash);
    return hash;
  };
}

const utf8 = new TextEncoder();
