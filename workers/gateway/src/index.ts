import { OrderService } from "@grpc-edge/proto/orders/v1";
import { UserService } from "@grpc-edge/proto/user/v1";
import type { Hono } from "hono";
import { parseConfig, type GatewayEnv } from "./config/parse-config.ts";
import { createApp } from "./create-app.ts";
import { createConfigErrorApp } from "./create-config-error-app.ts";
import { ConfigError } from "./errors/config-error.ts";
import type { AppEnv } from "./http/app-env.ts";
import { otlpExporter } from "./tracing/otlp-exporter.ts";
import { createFetchTransport } from "./transport/create-fetch-transport.ts";

/** The `service.name` of the gateway's spans. */
const serviceName = "grpc-edge-gateway";

// One app per isolate and configuration: clients and transports are built once,
// not per request. Keyed by the raw vars so a changed env is never served stale.
let cached: { key: string; app: Hono<AppEnv> } | undefined;

function appFor(env: GatewayEnv): Hono<AppEnv> {
  const key = JSON.stringify([env.USER_SERVICE_URL, env.UPSTREAM_TIMEOUT_MS, env.OTEL_EXPORTER_OTLP_ENDPOINT]);
  if (cached?.key !== key) cached = { key, app: buildApp(env) };
  return cached.app;
}

function buildApp(env: GatewayEnv): Hono<AppEnv> {
  try {
    const config = parseConfig(env);
    return createApp({
      transport: createFetchTransport({
        baseUrl: config.userServiceUrl,
        defaultTimeoutMs: config.upstreamTimeoutMs,
      }),
      // The user service serves both: its own RPCs and the public ones of the order service.
      services: [UserService, OrderService],
      timeoutMs: config.upstreamTimeoutMs,
      // Unset: no exporter at all, so a request pays for nothing but two random ids.
      ...(config.otlpEndpoint ? { traceExporter: otlpExporter({ endpoint: config.otlpEndpoint, serviceName }) } : {}),
    });
  } catch (err) {
    if (err instanceof ConfigError) return createConfigErrorApp(err);
    throw err;
  }
}

export default {
  fetch(request, env, ctx) {
    return appFor(env).fetch(request, env, ctx);
  },
} satisfies ExportedHandler<GatewayEnv>;
