import type { DescService } from "@bufbuild/protobuf";
import type { Transport } from "@connectrpc/connect";
import type { Hono } from "hono";
import { edgeCache, type EdgeCacheOptions } from "./cache/edge-cache.ts";
import { entityTags } from "./cache/entity-tags.ts";
import { createBaseApp } from "./create-base-app.ts";
import type { AccessLog } from "./http/access-log.ts";
import type { AppEnv } from "./http/app-env.ts";
import { methodNotAllowed } from "./http/method-not-allowed.ts";
import { authenticate, type AuthenticateOptions } from "./middleware/authenticate/authenticate.ts";
import { corsAllowList } from "./middleware/cors-allow-list/cors-allow-list.ts";
import { idempotencyKey } from "./middleware/idempotency-key/idempotency-key.ts";
import { rateLimit } from "./middleware/rate-limit/rate-limit.ts";
import { requestLimits } from "./middleware/request-limits/request-limits.ts";
import { createOpenApiDocument } from "./openapi/index.ts";
import type { SpanExporter } from "./tracing/gateway-span.ts";
import { httpBindings, transcodingHandler } from "./transcoding/index.ts";

export interface AppOptions {
  /** How to reach the user service: fetch-based in workerd, in-memory in unit tests. */
  transport: Transport;
  /** The services whose google.api.http annotations are the REST API; nothing else is routed. */
  services: readonly DescService[];
  /** Deadline of every upstream call. */
  timeoutMs: number;
  log?: AccessLog;
  /** Where finished spans go (OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set); none: no export. */
  traceExporter?: SpanExporter;
  /** Largest accepted JSON request body, in bytes (default 64 KiB). */
  maxBodyBytes?: number;
  /** End-user authentication, rate limiting and CORS; without it every caller is anonymous (unit tests). */
  edge?: EdgeOptions;
  /** Reads through the Workers Cache API, per caller (cache/edge-cache.ts); without it, no edge cache. */
  cache?: EdgeCacheOptions;
}

export interface EdgeOptions extends AuthenticateOptions {
  corsAllowedOrigins: readonly string[];
  /** Retry-After of a rate-limited request: the RATE_LIMITER period, in seconds. */
  rateLimitPeriodSeconds: number;
}

/** The gateway's Hono app; all dependencies come in, so it runs the same in tests and workerd. */
export function createApp({ transport, services, timeoutMs, log, traceExporter, maxBodyBytes, edge, cache }: AppOptions): Hono<AppEnv> {
  const app = createBaseApp(log, traceExporter);
  const bindings = httpBindings(services);

  // Before anything reads the request: size sanity, then CORS (a preflight carries no token).
  app.use(requestLimits());
  if (edge !== undefined) app.use(corsAllowList(edge.corsAllowedOrigins));
  // Strong ETags on every 200 GET, If-None-Match → 304.
  app.use(entityTags());

  // Liveness of the Worker itself: no upstream call.
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.all("/healthz", methodNotAllowed(["GET", "HEAD"]));

  // The same descriptors, as OpenAPI 3.1 (the docs UI under /docs reads it); built on first use.
  let openapi: object | undefined;
  app.get("/openapi.json", (c) => c.json((openapi ??= createOpenApiDocument(bindings))));
  app.all("/openapi.json", methodNotAllowed(["GET", "HEAD"]));

  // The API: who is calling (writes need a token), how often, and a sane Idempotency-Key.
  if (edge !== undefined) {
    app.use(authenticate(edge));
    app.use(rateLimit({ retryAfterSeconds: edge.rateLimitPeriodSeconds }));
  }
  app.use(idempotencyKey());
  // After authentication: cached reads are filed per caller.
  if (cache !== undefined) app.use(edgeCache(cache));
  app.all("*", transcodingHandler({ bindings, transport, timeoutMs, maxBodyBytes }));
  return app;
}
