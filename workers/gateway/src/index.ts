import type { Transport } from "@connectrpc/connect";
import type { Hono } from "hono";
import { createJwtVerifier } from "./auth/jwt-verifier.ts";
import { serviceTokenInterceptor } from "./auth/service-token-interceptor.ts";
import { parseConfig, settingsKey, type GatewayEnv } from "./config/parse-config.ts";
import type { AppEnv } from "./context/app-env.ts";
import { createApp } from "./create-app.ts";
import { isConfigError } from "./errors/gateway-error.ts";
import { publishedServices } from "./routing/published-services.ts";
import { serveDocsAsset } from "./routing/docs-assets.ts";
import { readOnlyMethods } from "./routing/read-only-methods.ts";
import { routedTransport } from "./routing/routed-transport.ts";
import { upstreamOf, type Upstream } from "./routing/upstream-routes.ts";
import { otlpExporter } from "./tracing/otlp-exporter.ts";
import { createRpcForwarder } from "./rpc-protocols/forward-rpc.ts";
import { defaultMaxStreamsPerCaller } from "./streaming/server-stream-handler.ts";
import { createFetchTransport } from "./transport/create-fetch-transport.ts";
import { RetryBudget } from "./transport/retry-budget.ts";
import { retryInterceptor } from "./transport/retry-interceptor.ts";

/** The `service.name` of the gateway's spans. */
const serviceName = "grpc-edge-gateway";

// One app per isolate and configuration: clients and transports are built once, not per
// request. Keyed by the raw value of every setting (config/gateway-settings.ts), so a
// changed env is never served stale.
let cached: { key: string; app: Hono<AppEnv> } | undefined;
// wrangler.toml's [[ratelimits]] period (Terraform's rate_limit.period may be 10 or 60): the longest wait.
const RATE_LIMIT_PERIOD_S = 60;
// wrangler.toml's AUTH_FAILURE_LIMITER period: how long an isolate refuses a network over it.
const AUTH_FAILURE_PERIOD_S = 60;

// Retries of reads (and keyed writes) on UNAVAILABLE, from one budget per isolate that
// survives config changes; outermost, so each attempt is signed afresh (docs/resilience.md).
const upstreamRetry = retryInterceptor({ isIdempotent: readOnlyMethods(publishedServices), budget: new RetryBudget() });

// workerd hands an isolate the same env object request after request: the key (a string
// of every setting) is worked out once per env object, not per request.
const appsByEnv = new WeakMap<GatewayEnv, Hono<AppEnv>>();

function appFor(env: GatewayEnv): Hono<AppEnv> {
  const known = appsByEnv.get(env);
  if (known !== undefined) return known;
  const key = settingsKey(env);
  if (cached?.key !== key) cached = { key, app: buildApp(env) };
  appsByEnv.set(env, cached.app);
  return cached.app;
}

function buildApp(env: GatewayEnv): Hono<AppEnv> {
  try {
    const config = parseConfig(env);
    // One transport per service, the same deadline, retries and service token on each.
    const interceptors = [upstreamRetry, serviceTokenInterceptor(config.serviceTokenSecret)];
    const upstreams: Record<Upstream, Transport> = {
      user: createFetchTransport({ baseUrl: config.userServiceUrl, defaultTimeoutMs: config.upstreamTimeoutMs, interceptors }),
      order: createFetchTransport({ baseUrl: config.orderServiceUrl, defaultTimeoutMs: config.upstreamTimeoutMs, interceptors }),
    };
    return createApp({
      transport: routedTransport((method) => upstreams[upstreamOf(method)]),
      services: publishedServices,
      streams: {
        baseUrlOf: (method) => (upstreamOf(method) === "user" ? config.userServiceUrl : config.orderServiceUrl),
        serviceTokenSecret: config.serviceTokenSecret,
        maxStreamsPerCaller: defaultMaxStreamsPerCaller,
      },
      rpcForwarder: createRpcForwarder({
        baseUrlOf: (method) => (upstreamOf(method) === "user" ? config.userServiceUrl : config.orderServiceUrl),
        serviceTokenSecret: config.serviceTokenSecret,
        upstreamTimeoutMs: config.upstreamTimeoutMs,
      }),
      // Built here, once per isolate and config: the JWKS cache lives as long as the isolate.
      edge: {
        verify: createJwtVerifier(config.jwt),
        publicReads: config.publicReads,
        corsAllowedOrigins: config.corsAllowedOrigins,
        rateLimitPeriodSeconds: RATE_LIMIT_PERIOD_S,
        authFailurePeriodSeconds: AUTH_FAILURE_PERIOD_S,
      },
      // The colo's cache, shared by every isolate there (docs/resilience.md).
      cache: { cache: () => (typeof caches === "undefined" ? undefined : caches.default), ttlSeconds: config.edgeCacheTtlSeconds },
      // Unset: no exporter at all, so a request pays for nothing but two random ids.
      ...(config.otlpEndpoint ? { traceExporter: otlpExporter({ endpoint: config.otlpEndpoint, serviceName }) } : {}),
    });
  } catch (err) {
    if (isConfigError(err)) return createApp({ configError: err });
    throw err;
  }
}

export default {
  async fetch(request, env, ctx) {
    // The /docs page as it is, with its own CSP from _headers: not through the API's chain.
    return (await serveDocsAsset(request, env.ASSETS)) ?? appFor(env).fetch(request, env, ctx);
  },
} satisfies ExportedHandler<GatewayEnv>;
