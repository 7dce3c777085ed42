/**
 * Just enough of the Workers Cache API for unit tests in Node: match/put/delete by URL,
 * entries kept for the put response's `Cache-Control: max-age` on a clock the test owns.
 * The real thing is exercised in workerd (test/e2e/edge-cache-in-workerd.test.ts).
 */
type Key = string | URL | { url: string };

/** The part of the Workers `Cache` the gateway uses (cast it to `Cache` where one is wanted). */
export interface MemoryCache {
  match(request: Key): Promise<Response | undefined>;
  put(request: Key, response: Response): Promise<void>;
  delete(request: Key): Promise<boolean>;
}

export function createMemoryCache() {
  let now = 0;
  const entries = new Map<string, { body: ArrayBuffer; init: ResponseInit; expires: number }>();
  let failing: (key: string) => boolean = () => false;
  const keyOf = (request: Key) => (typeof request === "string" ? request : request instanceof URL ? request.href : request.url);
  const check = (request: Key) => {
    if (failing(keyOf(request))) throw new Error("cache unavailable");
  };
  const cache: MemoryCache = {
    async match(request: Key): Promise<Response | undefined> {
      check(request);
      const entry = entries.get(keyOf(request));
      if (entry === undefined || entry.expires <= now) return undefined;
      return new Response(entry.body.slice(0), entry.init);
    },
    async put(request: Key, response: Response): Promise<void> {
      check(request);
      const maxAge = Number(/max-age=(\d+)/.exec(response.headers.get("Cache-Control") ?? "")?.[1] ?? 0);
      entries.set(keyOf(request), { body: await response.arrayBuffer(), init: { status: response.status, headers: new Headers(response.headers) }, expires: now + maxAge * 1000 });
    },
    async delete(request: Key): Promise<boolean> {
      check(request);
      return entries.delete(keyOf(request));
    },
  };
  return {
    cache,
    keys: () => [...entries.keys()],
    advance: (ms: number) => void (now += ms),
    /** Every operation fails (true), or those on keys the predicate picks. */
    fail: (on: boolean | ((key: string) => boolean)) => void (failing = typeof on === "function" ? on : () => on),
  };
}
