import type { DescService } from "@bufbuild/protobuf";
import type { Transport } from "@connectrpc/connect";
import { Hono, type Context, type Handler } from "hono";
import type { AppEnv } from "./context/app-env.ts";
import { GatewayError, methodNotAllowed } from "./errors/gateway-error.ts";
import { problemTypes } from "./errors/problem-types.ts";
import { renderProblem } from "./errors/render-problem.ts";
import { accessLog, consoleAccessLog, type AccessLog } from "./middleware/access-log.ts";
import { authFailureLimit } from "./middleware/auth-failure-limit.ts";
import { authenticate, type AuthenticateOptions } from "./middleware/authenticate.ts";
import { corsAllowList } from "./middleware/cors-allow-list.ts";
import { edgeCache, type EdgeCacheOptions } from "./middleware/edge-cache.ts";
import { strongEtag } from "./cache/strong-etag.ts";
import { entityTags } from "./middleware/entity-tags.ts";
import { idempotencyKey } from "./middleware/idempotency-key.ts";
import { rateLimit } from "./middleware/rate-limit.ts";
import { requestId } from "./middleware/request-id.ts";
import { requestLimits } from "./middleware/request-limits.ts";
import { securityHeaders } from "./middleware/security-headers.ts";
import { serverTiming } from "./middleware/server-timing.ts";
import { traceContext } from "./middleware/trace-context.ts";
import { createOpenApiDocument } from "./openapi/index.ts";
import { DOCS_METHODS, DOCS_PATH_PATTERNS } from "./routing/docs-assets.ts";
import type { RpcForwarder } from "./rpc-protocols/forward-rpc.ts";
import { renderRpcError } from "./rpc-protocols/render-rpc-error.ts";
import { isRpcCall, rpcPathOf } from "./rpc-protocols/rpc-protocol.ts";
import { markRpcReads, publicRpcs, publicStreamRpcs, rpcProtocolsHandler } from "./rpc-protocols/rpc-protocols-handler.ts";
import { rpcStreamHandler } from "./rpc-protocols/rpc-stream-handler.ts";
import { serverStreamHandler, type ServerStreamOptions } from "./streaming/server-stream-handler.ts";
import { StreamSlots } from "./streaming/stream-slots.ts";
import type { SpanExporter } from "./tracing/gateway-span.ts";
import { httpBindings, transcodingHandler } from "./transcoding/index.ts";

export interface AppOptions {
  /** How to reach the services (with its default deadline): fetch-based in workerd, in-memory in unit tests. */
  transport: Transport;
  /** The services whose google.api.http annotations are the REST API; nothing else is routed. */
  services: readonly DescService[];
  log?: AccessLog;
  /** Where finished spans go (OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set); none: no export. */
  traceExporter?: SpanExporter;
  /** Largest accepted JSON request body, in bytes (default 64 KiB). */
  maxBodyBytes?: number;
  /** End-user authentication, rate limiting and CORS; without it every caller is anonymous (unit tests). */
  edge?: EdgeOptions;
  /** Reads through the Workers Cache API, per caller (middleware/edge-cache.ts); without it, no edge cache. */
  cache?: EdgeCacheOptions;
  /** Connect and gRPC-Web at the public RPCs' paths, sent on by this (rpc-protocols/); without it, REST only. */
  rpcForwarder?: RpcForwarder;
  /**
   * Server-streaming RPCs' GET bindings as Server-Sent Events (streaming/), and with
   * rpcForwarder at their RPC paths for Connect and gRPC-Web too; without it, not served.
   */
  streams?: ServerStreamOptions;
}

export interface EdgeOptions extends AuthenticateOptions {
  corsAllowedOrigins: readonly string[];
  /** Retry-After of a rate-limited request: the RATE_LIMITER period, in seconds. */
  rateLimitPeriodSeconds: number;
  /** How long a network over its AUTH_FAILURE_LIMITER budget is refused: that binding's period, in seconds. */
  authFailurePeriodSeconds: number;
}

/** What stands in for the options when the environment is unusable: the setting it names, and the log. */
export interface BrokenConfig {
  configError: GatewayError;
  log?: AccessLog;
}

/**
 * The gateway's Hono app: the whole middleware chain, in the order a request meets it.
 * All dependencies come in, so it runs the same in tests and workerd. With a broken
 * config, every request (/healthz included) is a 500 problem naming the setting,
 * instead of an isolate crash.
 */
export function createApp(options: AppOptions | BrokenConfig): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // The one error path: whatever is thrown becomes application/problem+json, never HTML.
  // Where the edge serves Connect and gRPC-Web, errors at an RPC path are in that protocol's format.
  const rpcErrors = !("configError" in options) && options.rpcForwarder !== undefined;
  const rpcServices = new Set("configError" in options ? [] : options.services.map((service) => service.typeName));
  const isRpc = (c: Context<AppEnv>) => {
    const path = rpcPathOf(c.req.path);
    return path !== undefined && isRpcCall(c.req.raw, path, rpcServices);
  };
  app.onError((err, c) => (rpcErrors && isRpc(c) ? renderRpcError(c, err) : renderProblem(c, err)));
  app.notFound((c) => renderProblem(c, new GatewayError(problemTypes.notFound, `no route for ${c.req.method} ${c.req.path}`)));

  // 1. Every response, errors included: request id, trace context, Server-Timing, the access log, security headers.
  app.use(requestId());
  app.use(traceContext("configError" in options ? undefined : options.traceExporter));
  app.use(serverTiming());
  app.use(accessLog(options.log ?? consoleAccessLog));
  app.use(securityHeaders());

  if ("configError" in options) {
    const { configError } = options;
    app.all("*", () => {
      throw configError;
    });
    return app;
  }
  const { transport, services, maxBodyBytes, edge, cache, rpcForwarder, streams } = options;
  const bindings = httpBindings(services);
  const streamBindings = streams === undefined ? [] : httpBindings(services, "server_streaming");
  const rpcs = publicRpcs(bindings);
  const streamRpcs = publicStreamRpcs(streamBindings);

  // 2. Before anything reads the request: size sanity, then CORS (a preflight carries no token).
  app.use(requestLimits());
  if (edge !== undefined) app.use(corsAllowList(edge.corsAllowedOrigins));
  // 3. Strong ETags on every 200 GET, If-None-Match → 304.
  app.use(entityTags());

  // 4. Liveness of the Worker itself: no upstream call.
  // A constant answer, tagged once: not re-hashed by entity-tags.ts on every probe.
  let healthzEtag: Promise<string> | undefined;
  app.get("/healthz", async (c) => c.body(HEALTHZ_BODY, 200, { "Content-Type": "application/json", ETag: await (healthzEtag ??= strongEtag(utf8.encode(HEALTHZ_BODY))) }));
  app.all("/healthz", onlyMethods(["GET", "HEAD"]));
  // The same descriptors, as OpenAPI 3.1 (the docs UI under /docs reads it); built on first use.
  let openapi: object | undefined;
  app.get("/openapi.json", (c) => c.json((openapi ??= createOpenApiDocument([...bindings, ...streamBindings], { publicReads: edge?.publicReads ?? true }))));
  app.all("/openapi.json", onlyMethods(["GET", "HEAD"]));
  // The /docs page's GETs are its assets' (index.ts); here: other methods, and misses.
  for (const pattern of DOCS_PATH_PATTERNS) {
    app.on([...DOCS_METHODS], pattern, (c) => {
      throw new GatewayError(problemTypes.notFound, `no route for ${c.req.method} ${c.req.path}`);
    });
    app.all(pattern, onlyMethods(DOCS_METHODS));
  }

  // 5. The API: who is calling (writes need a token), how often, and a sane Idempotency-Key.
  if (rpcForwarder !== undefined) app.use(markRpcReads(new Map([...rpcs, ...streamRpcs])));
  if (edge !== undefined) {
    // Before any token work: a network flooding bad tokens is refused here.
    app.use(authFailureLimit({ blockSeconds: edge.authFailurePeriodSeconds }));
    app.use(authenticate(edge));
    app.use(rateLimit({ retryAfterSeconds: edge.rateLimitPeriodSeconds }));
  }
  app.use(idempotencyKey());
  // Streams before the edge cache, which buffers what it stores; one count of open streams per caller for both.
  if (streams !== undefined) {
    const slots = new StreamSlots(streams.maxStreamsPerCaller);
    app.use(serverStreamHandler({ ...streams, bindings: streamBindings, slots }));
    if (rpcForwarder !== undefined) app.use(rpcStreamHandler({ ...streams, streams: streamRpcs, slots, maxBodyBytes }));
  }
  // 6. After authentication: cached reads are filed per caller.
  if (cache !== undefined) app.use(edgeCache(cache));
  // 7. Connect and gRPC-Web at the RPC paths; REST → RPC → REST everywhere else.
  if (rpcForwarder !== undefined) app.use(rpcProtocolsHandler({ rpcs, services: rpcServices, forward: rpcForwarder, maxBodyBytes }));
  app.all("*", transcodingHandler({ bindings, transport, maxBodyBytes }));
  return app;
}

const HEALTHZ_BODY = JSON.stringify({ status: "ok" });
const utf8 = new TextEncoder();

/** Catch-all for a known path: registered after its real routes, so only other methods land here. */
function onlyMethods(allow: readonly string[]): Handler<AppEnv> {
  return (c) => {
    throw methodNotAllowed(c.req.method, allow);
  };
}
