import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../context/app-env.ts";
import { ifNoneMatchHits, strongEtag } from "../cache/strong-etag.ts";

/** Which answers carry a strong ETag: 200s to GET and HEAD. */
export function carriesEtag(method: string, status: number): boolean {
  return status === 200 && (method === "GET" || method === "HEAD");
}

/**
 * Every 200 answer to a GET or HEAD carries a strong ETag (strong-etag.ts): the one its
 * handler set from the body it had in hand (the REST answers, /healthz; an edge-cache
 * hit keeps its stored tag), else one hashed here from a copy of the body. A request
 * whose If-None-Match names it gets 304 with no body. The upstream call, if there was
 * one, has happened by then: a 304 saves bandwidth, only a cache hit saves the call.
 */
export function entityTags(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    if (!carriesEtag(c.req.method, c.res.status)) return;
    // A stream (streaming/) never ends to be hashed.
    if (/^(?:text\/event-stream|application\/x-ndjson)/.test(c.res.headers.get("Content-Type") ?? "")) return;
    let etag = c.res.headers.get("ETag");
    if (etag === null) {
      if (c.res.body === null) return;
      etag = await strongEtag(await c.res.clone().arrayBuffer());
      c.res.headers.set("ETag", etag);
    }
    if (!ifNoneMatchHits(c.req.header("if-none-match"), etag)) return;
    const headers = new Headers(c.res.headers);
    for (const name of ["Content-Type", "Content-Length", "Content-Encoding"]) headers.delete(name);
    c.res = undefined;
    c.res = new Response(null, { status: 304, headers });
  };
}
