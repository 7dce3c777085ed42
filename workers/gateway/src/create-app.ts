import type { DescService } from "@bufbuild/protobuf";
import type { Transport } from "@connectrpc/connect";
import type { Hono } from "hono";
import { createBaseApp } from "./create-base-app.ts";
import type { AccessLog } from "./http/access-log.ts";
import type { AppEnv } from "./http/app-env.ts";
import { methodNotAllowed } from "./http/method-not-allowed.ts";
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
}

/** The gateway's Hono app; all dependencies come in, so it runs the same in tests and workerd. */
export function createApp({ transport, services, timeoutMs, log, traceExporter, maxBodyBytes }: AppOptions): Hono<AppEnv> {
  const app = createBaseApp(log, traceExporter);
  const bindings = httpBindings(services);

  // Liveness of the Worker itself: no upstream call.
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.all("/healthz", methodNotAllowed(["GET", "HEAD"]));

  // The same descriptors, as OpenAPI 3.1 (the docs UI under /docs reads it); built on first use.
  let openapi: object | undefined;
  app.get("/openapi.json", (c) => c.json((openapi ??= createOpenApiDocument(bindings))));
  app.all("/openapi.json", methodNotAllowed(["GET", "HEAD"]));

  app.all("*", transcodingHandler({ bindings, transport, timeoutMs, maxBodyBytes }));
  return app;
}
