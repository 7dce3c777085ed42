import { readFile } from "node:fs/promises";
import type { DescMethod, DescService } from "@bufbuild/protobuf";
import { ConnectError, Code, type ConnectRouter, type HandlerContext, type Interceptor } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import type { Registry } from "prom-client";
import { Health } from "@grpc-edge/proto/grpc/health/v1";
import { authenticationGate, peerAddressValues } from "./auth/index.ts";
import { baseConfigSpec, type BaseConfig } from "./base-config.ts";
import { ConfigError, loadConfig, type ConfigOf, type ConfigSpec } from "./config/index.ts";
import {
  captureDeadline,
  databaseUrlFromParts,
  migrate,
  openDatabase,
  queryDeadlineInterceptor,
  readMigrations,
  seedOnce,
  type Database,
} from "./database/index.ts";
import { HealthRegistry, ServingStatus, healthService } from "./health/index.ts";
import { httpHealthHandler } from "./health/http-health-handler.ts";
import { captureResponseMetadata, IdempotencyStore, idempotencyInterceptor, startIdempotencyCleanup } from "./idempotency/index.ts";
import { createLogger, loggingInterceptor, type Logger } from "./logging/index.ts";
import { createServiceMetrics, httpMetricsHandler, metricsInterceptor } from "./metrics/index.ts";
import { listenDualProtocol } from "./server/index.ts";
import { createTracing, serverTracingInterceptor, type Tracing } from "./tracing/index.ts";
import { validationInterceptor } from "./validation/index.ts";

export interface ServiceContext<C> {
  config: C;
  db: Database;
  logger: Logger;
  /** For client interceptors on calls to other services (clientTracingInterceptor). */
  tracing: Tracing;
  /** Aborted when the service starts draining: long-lived streams end themselves then. */
  draining: AbortSignal;
  /** The service's Prometheus registry, for metrics of its own. */
  metricsRegistry: Registry;
}

export interface ServiceSetup {
  routes(router: ConnectRouter): void;
  /** Releases what setup created (clients, timers); runs after in-flight calls finished. */
  close?(): Promise<void> | void;
}

/** What makes one service different from the other; everything else is shared. */
export interface ServiceDefinition<S extends ConfigSpec> {
  name: string;
  defaultPort: number;
  /** The RPC services it serves, reported by grpc.health.v1. */
  services: readonly DescService[];
  migrationsDir: string;
  seedFile?: string;
  config: S;
  /** Creates whose write this service owns: an `idempotency-key` makes them exactly-once. */
  idempotentMethods?: readonly DescMethod[];
  setup(ctx: ServiceContext<BaseConfig & ConfigOf<S>>): ServiceSetup;
}

export interface RunningService<C = BaseConfig> {
  readonly port: number;
  /** http://host:port, for Connect/gRPC-Web (HTTP/1.1) and gRPC (h2c) clients alike. */
  readonly url: string;
  readonly config: C;
  readonly db: Database;
  readonly health: HealthRegistry;
  readonly logger: Logger;
  /** Readiness off, stop accepting, drain in-flight calls for up to `graceMs`, close the database. */
  stop(graceMs?: number): Promise<{ drained: boolean }>;
}

export interface StartOptions {
  /**
   * Extra server interceptors, run after tracing, logging and metrics and before
   * validation (tests count RPCs with them).
   */
  interceptors?: readonly Interceptor[];
}

export async function startService<S extends ConfigSpec>(
  definition: ServiceDefinition<S>,
  source: Record<string, string | undefined> = process.env,
  options: StartOptions = {},
): Promise<RunningService<BaseConfig & ConfigOf<S>>> {
  const config = loadConfig({ ...baseConfigSpec(definition.name, definition.defaultPort), ...definition.config }, source) as BaseConfig & ConfigOf<S>;
  const logger = createLogger(definition.name, config.LOG_LEVEL);
  const databaseUrl =
    config.DATABASE_URL ??
    databaseUrlFromParts({
      host: config.DATABASE_HOST,
      port: config.DATABASE_PORT,
      name: config.DATABASE_NAME,
      user: config.DATABASE_USER,
      password: config.DATABASE_PASSWORD,
      sslMode: config.DATABASE_SSLMODE,
    });
  const db = await openDatabase({ url: databaseUrl, pgliteDataDir: config.PGLITE_DATA_DIR, maxConnections: config.DATABASE_POOL_MAX }, logger);
  try {
    const { applied, current } = await migrate(db, await readMigrations(definition.migrationsDir), definition.name);
    logger.info({ database: db.kind, applied: applied.map((m) => `${m.version}_${m.name}`), schemaVersion: current }, "migrations");
    if (config.SEED_DEMO_DATA && definition.seedFile && (await seedOnce(db, "demo", await readFile(definition.seedFile, "utf8")))) {
      logger.info("demo data loaded");
    }
  } catch (error) {
    await db.close();
    throw error;
  }

  const health = new HealthRegistry(definition.services.map((s) => s.typeName));
  const shutdown = new AbortController();
  const tracing = await createTracing({ serviceName: config.OTEL_SERVICE_NAME, endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
  const metrics = createServiceMetrics(() => db.poolStats());
  const draining = new AbortController();
  const app = definition.setup({ config, db, logger, tracing, draining: draining.signal, metricsRegistry: metrics.registry });
  const authenticate = authenticationGate(config.SERVICE_TOKEN_SECRET, config.TRUSTED_CALLERS);
  const stopCleanup = startIdempotencyCleanup(new IdempotencyStore(db), config.IDEMPOTENCY_TTL_HOURS, logger);
  const rpcHandler = connectNodeAdapter({
    routes(router) {
      app.routes(router);
      router.service(Health, healthService(health));
    },
    // Who is on the other end of the TCP connection, for TRUSTED_CALLERS.
    contextValues: peerAddressValues,
    // Larger messages are refused (RESOURCE_EXHAUSTED) while they are read, before any parsing.
    readMaxBytes: config.MAX_MESSAGE_BYTES,
    // Before the body is read: every protocol's caller must present a valid service token.
    async requestGate(ctx) {
      captureDeadline(ctx);
      captureResponseMetadata(ctx);
      try {
        await authenticate(ctx);
      } catch (error) {
        logRejected(logger, ctx, error);
        throw error;
      }
    },
    // Outermost first: every call is traced, logged (with its trace id) and counted,
    // even one that fails validation.
    interceptors: [
      serverTracingInterceptor(tracing),
      loggingInterceptor(logger),
      metricsInterceptor(metrics),
      ...(options.interceptors ?? []),
      queryDeadlineInterceptor(),
      validationInterceptor(),
      idempotencyInterceptor(db, definition.idempotentMethods ?? []),
    ],
    shutdownSignal: shutdown.signal,
  });
  const probes = httpHealthHandler(health, () => pingWithin(db, 1_000));
  const scrape = httpMetricsHandler(metrics);
  const server = await listenDualProtocol({
    host: config.HOST,
    port: config.PORT,
    handler: (req, res) => probes(req, res) || scrape(req, res) || rpcHandler(req, res),
  });
  health.setAll(ServingStatus.SERVING);
  const host = config.HOST === "0.0.0.0" || config.HOST === "::" ? "127.0.0.1" : config.HOST;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${server.port}`;
  logger.info({ url, database: db.kind, tracing: tracing.enabled, startMs: Math.round(performance.now()) }, "ready");

  let stopping: Promise<{ drained: boolean }> | undefined;
  return {
    port: server.port,
    url,
    config,
    db,
    health,
    logger,
    stop(graceMs = config.SHUTDOWN_GRACE_MS) {
      stopping ??= (async () => {
        health.shutDown();
        draining.abort();
        logger.info({ inFlight: server.inFlight(), graceMs }, "draining");
        const result = await server.close(graceMs, () => shutdown.abort());
        stopCleanup();
        await app.close?.();
        await db.close();
        // Spans still buffered go out before the process exits.
        await tracing.shutdown().catch((error: unknown) => logger.warn({ err: error }, "trace export at shutdown failed"));
        logger.info({ drained: result.drained }, "stopped");
        return result;
      })();
      return stopping;
    },
  };
}

/** Refused calls never reach the interceptors; they are logged here, without the token. */
function logRejected(logger: Logger, ctx: HandlerContext, error: unknown): void {
  const rpc = `${ctx.service.typeName}/${ctx.method.name}`;
  const requestId = ctx.requestHeader.get("x-request-id") ?? undefined;
  logger.warn({ rpc, requestId, code: Code[ConnectError.from(error).code], reason: ConnectError.from(error).rawMessage }, "rpc rejected");
}

async function pingWithin(db: Database, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  try {
    return await Promise.race([db.query("SELECT 1").then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Process entry point: start, then drain on SIGTERM/SIGINT and exit. A second
 * signal exits at once. Start-up failures print one clear message and exit 1.
 */
export async function runService<S extends ConfigSpec>(definition: ServiceDefinition<S>): Promise<void> {
  let service: RunningService<BaseConfig & ConfigOf<S>>;
  try {
    service = await startService(definition);
  } catch (error) {
    const message = error instanceof ConfigError ? error.message : `start-up failed: ${(error as Error).message}`;
    process.stderr.write(`${definition.name}: ${message}\n`);
    process.exit(1);
  }
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) process.exit(130);
    signalled = true;
    service.logger.info({ signal }, "shutting down");
    service.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        service.logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}
