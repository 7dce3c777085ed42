import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from "jose";

/** What is used of the Workers Cache API (`caches.default`). */
export interface KeySetCache {
  match(url: string): Promise<Response | undefined>;
  put(url: string, response: Response): Promise<void>;
}

export interface SharedKeySetOptions {
  /** The identity provider's JWKS URL. */
  url: string;
  /** The location's Cache API; undefined: this isolate's memory only. */
  cache?: () => KeySetCache | undefined;
  fetch?: typeof fetch;
  now?: () => number;
}

/** A key set's lifetime follows the provider's Cache-Control max-age, within these bounds (s). */
export const JWKS_MIN_AGE_S = 60;
export const JWKS_MAX_AGE_S = 3600;
/** Without a max-age from the provider. */
export const JWKS_DEFAULT_AGE_S = 600;
/** A token with an unknown kid fetches the key set from the provider at most this often per isolate. */
export const JWKS_REFETCH_COOLDOWN_MS = 60_000;
const FETCH_TIMEOUT_MS = 5_000;
/** How often a request waiting for another one's fetch looks again. */
const WAIT_STEP_MS = 10;

interface HeldSet {
  keys: JWTVerifyGetKey;
  kids: ReadonlySet<string | undefined>;
  freshUntilMs: number;
}

/**
 * jose's key getter over a JWKS URL whose fetched set is shared by every isolate of a
 * location through the Cache API. Workers forbid one request awaiting another's I/O, so
 * isolates and concurrent requests cannot share one fetch; they share its result instead.
 * Per request: the isolate's copy → the location's cached copy → the provider, and for a kid
 * nobody knows, the provider at most once per cool-down (its concurrent requests included:
 * the cool-down starts before the fetch does). A request that finds another one's fetch under
 * way waits for its result (plain data in memory, which requests may share) instead of
 * fetching again.
 */
export function sharedKeySet({ url, cache = () => undefined, fetch = globalThis.fetch, now = Date.now }: SharedKeySetOptions): JWTVerifyGetKey {
  let held: HeldSet | undefined;
  let lastProviderFetchMs = Number.NEGATIVE_INFINITY;
  let providerFetchUntilMs = 0;
  const fetching = () => now() < providerFetchUntilMs;

  const knows = (set: HeldSet | undefined, kid: string | undefined): boolean =>
    set !== undefined && now() < set.freshUntilMs && (kid === undefined || set.kids.has(kid));

  async function fromLocation(): Promise<HeldSet | undefined> {
    const hit = await cache()?.match(url);
    if (hit === undefined) return undefined;
    // The Cache API honours max-age itself; the isolate keeps the copy no longer than that.
    return hold((await hit.json()) as JSONWebKeySet, ageOf(hit.headers.get("cache-control")));
  }

  async function fromProvider(): Promise<HeldSet> {
    lastProviderFetchMs = now();
    providerFetchUntilMs = lastProviderFetchMs + FETCH_TIMEOUT_MS;
    try {
      return await fetchProvider();
    } finally {
      providerFetchUntilMs = 0;
    }
  }

  async function fetchProvider(): Promise<HeldSet> {
    const res = await fetch(url, { headers: { accept: "application/jwk-set+json, application/json" }, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!res.ok) throw new errors.JOSEError(`key set answered ${res.status}`);
    const body = (await res.json().catch(() => undefined)) as JSONWebKeySet | undefined;
    if (!Array.isArray(body?.keys)) throw new errors.JWKSInvalid("not a JSON Web Key Set");
    const age = ageOf(res.headers.get("cache-control"));
    await cache()?.put(url, new Response(JSON.stringify(body), { headers: { "content-type": "application/json", "cache-control": `max-age=${age}` } }));
    return hold(body, age);
  }

  function hold(set: JSONWebKeySet, ageS: number): HeldSet {
    return { keys: createLocalJWKSet(set), kids: new Set(set.keys.map((k) => k.kid)), freshUntilMs: now() + ageS * 1000 };
  }

  return async (header, token) => {
    while (!knows(held, header.kid)) {
      if (fetching()) {
        await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
        continue;
      }
      const located = await fromLocation();
      if (located !== undefined && knows(located, header.kid)) {
        held = located;
        break;
      }
      // Another request started a fetch while this one read the cache: wait for it instead.
      if (fetching()) continue;
      if (held === undefined || now() >= held.freshUntilMs || now() - lastProviderFetchMs >= JWKS_REFETCH_COOLDOWN_MS) held = await fromProvider();
      // Else: a kid nobody publishes, asked again within the cool-down: no fetch, the token fails below.
      break;
    }
    return held!.keys(header, token);
  };
}

/** The provider's max-age, bounded; the default when it gives none. */
function ageOf(cacheControl: string | null): number {
  const match = /(?:^|,)\s*max-age=(\d+)/i.exec(cacheControl ?? "");
  if (!match) return JWKS_DEFAULT_AGE_S;
  return Math.min(JWKS_MAX_AGE_S, Math.max(JWKS_MIN_AGE_S, Number(match[1])));
}
