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
  migrate,
  openDatabase,
  pingWithin,
  postgresConnection,
  prepareDatabase,
  queryDeadlineInterceptor,
  readMigrations,
  seedOnce,
  type Database,
} from "./database/index.ts";
import { HealthRegistry, ServingStatus, healthService } from "./health/index.ts";
import { httpHealthHandler } from "./health/http-health-handler.ts";
import { captureResponseMetadata, IdempotencyStore, idempotencyInterceptor, startIdempotencyCleanup } from "./idempotency/index.ts";
import { createLogger, loggingInterceptor, type Logger } from "./logging/index.ts";
import { createServiceMetrics, listenMetrics, metricsInterceptor, type MetricsServer } from "./metrics/index.ts";
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
  /** Runs once the migrations ran and the service is ready: work that needs its tables (a periodic cleanup). */
  onReady?(): void;
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
  /** http://host:metricsPort/metrics, or undefined with METRICS_PORT=off. */
  readonly metricsUrl: string | undefined;
  readonly config: C;
  readonly db: Database;
  readonly health: HealthRegistry;
  readonly logger: Logger;
  /**
   * Resolves once the database answered and the migrations ran (the service is ready),
   * or false when it was stopped first; rejects on a fault retrying cannot fix (a
   * broken migration), after which the service should be stopped and the process exit.
   */
  readonly ready: Promise<boolean>;
  /** Readiness off, stop accepting, drain in-flight calls for up to `graceMs`, close the database. */
  stop(graceMs?: number): Promise<{ drained: boolean }>;
}

export interface StartOptions {
  /**
   * Extra server interceptors, run after tracing, logging and metrics and before
   * validation (tests count RPCs with them).
   */
  interceptors?: readonly Interceptor[];
  /**
   * Resolve only once the service is ready (default true, what tests want); false
   * resolves as soon as it listens, not ready while its database is not there yet.
   */
  waitUntilReady?: boolean;
}

// Calls that arrive before the database is ready (probes excepted) are told to come back.
const notReady = () => new ConnectError("not ready: the service is still waiting for its database", Code.Unavailable);

export async function startService<S extends ConfigSpec>(
  definition: ServiceDefinition<S>,
  source: Record<string, string | undefined> = process.env,
  options: StartOptions = {},
): Promise<RunningService<BaseConfig & ConfigOf<S>>> {
  const config = loadConfig({ ...baseConfigSpec(definition.name, definition.defaultPort), ...definition.config }, source) as BaseConfig & ConfigOf<S>;
  const logger = createLogger(definition.name, config.LOG_LEVEL);
  const postgres = databaseSettings(() => postgresConnection({
    url: config.DATABASE_URL,
    host: config.DATABASE_HOST,
    port: config.DATABASE_PORT,
    name: config.DATABASE_NAME,
    user: config.DATABASE_USER,
    password: config.DATABASE_PASSWORD,
    passwordFile: config.DATABASE_PASSWORD_FILE,
    sslMode: config.DATABASE_SSLMODE,
    caFile: config.DATABASE_CA_FILE,
    auth: config.DATABASE_AUTH,
    region: config.AWS_REGION,
    awsCredentials: {
      containerRelativeUri: config.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI,
      containerFullUri: config.AWS_CONTAINER_CREDENTIALS_FULL_URI,
      containerAuthorizationToken: config.AWS_CONTAINER_AUTHORIZATION_TOKEN,
      containerAuthorizationTokenFile: config.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE,
      accessKeyId: config.AWS_ACCESS_KEY_ID,
      secretAccessKey: config.AWS_SECRET_ACCESS_KEY,
      sessionToken: config.AWS_SESSION_TOKEN,
    },
  }));
  // PostgreSQL is reached (and waited for) after the server listens; PGlite opens here.
  const db = await openDatabase({ postgres, pgliteDataDir: config.PGLITE_DATA_DIR, maxConnections: config.DATABASE_POOL_MAX, connectNow: false }, logger);
  const migrations = await readMigrations(definition.migrationsDir).catch(async (error: unknown) => {
    await db.close();
    throw error;
  });
  let databaseReady = false;

  const health = new HealthRegistry(definition.services.map((s) => s.typeName));
  const shutdown = new AbortController();
  const tracing = await createTracing({ serviceName: config.OTEL_SERVICE_NAME, endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
  const metrics = createServiceMetrics(() => db.poolStats());
  const draining = new AbortController();
  const app = definition.setup({ config, db, logger, tracing, draining: draining.signal, metricsRegistry: metrics.registry });
  const authenticate = authenticationGate(config.SERVICE_TOKEN_SECRET, config.TRUSTED_CALLERS);
  let stopCleanup = () => {};
  const rpcHandler = connectNodeAdapter({
    routes(router) {
      app.routes(router);
      router.service(Health, healthService(health, () => pingWithin(db, 1_000)));
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
        if (!databaseReady && ctx.service.typeName !== Health.typeName) throw notReady();
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
  const server = await listenDualProtocol({
    host: config.HOST,
    port: config.PORT,
    handler: (req, res) => probes(req, res) || rpcHandler(req, res),
  });
  let metricsServer: MetricsServer | undefined;
  try {
    if (config.METRICS_PORT !== undefined) metricsServer = await listenMetrics({ host: config.HOST, port: config.METRICS_PORT, metrics });
  } catch (error) {
    await server.close(0);
    await db.close();
    throw new ConfigError([`METRICS_PORT ${config.METRICS_PORT} cannot be used: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`]);
  }
  const host = config.HOST === "0.0.0.0" || config.HOST === "::" ? "127.0.0.1" : config.HOST;
  const origin = (port: number) => `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  const url = origin(server.port);
  const metricsUrl = metricsServer && `${origin(metricsServer.port)}/metrics`;
  logger.info({ url, metricsUrl, database: postgres?.safeUrl ?? db.kind }, "listening");

  // Until the database answers and the migrations ran: alive, not ready, retrying.
  const preparation = prepareDatabase({
    target: postgres?.safeUrl ?? db.kind,
    logger,
    maxDelayMs: config.DATABASE_CONNECT_RETRY_MAX_MS,
    async prepare() {
      const { applied, current } = await migrate(db, migrations, definition.name);
      logger.info({ database: db.kind, applied: applied.map((m) => `${m.version}_${m.name}`), schemaVersion: current }, "migrations");
      if (config.SEED_DEMO_DATA && definition.seedFile && (await seedOnce(db, "demo", await readFile(definition.seedFile, "utf8")))) {
        logger.info("demo data loaded");
      }
    },
  });
  const ready = preparation.done.then((prepared) => {
    if (!prepared || health.shuttingDown) return false;
    stopCleanup = startIdempotencyCleanup(new IdempotencyStore(db), config.IDEMPOTENCY_TTL_HOURS, logger);
    app.onReady?.();
    databaseReady = true;
    health.setAll(ServingStatus.SERVING);
    logger.info({ url, database: db.kind, tracing: tracing.enabled, startMs: Math.round(performance.now()) }, "ready");
    return true;
  });
  ready.catch(() => {}); // handled by whoever awaits it (startService below, runService)

  let stopping: Promise<{ drained: boolean }> | undefined;
  const running: RunningService<BaseConfig & ConfigOf<S>> = {
    port: server.port,
    url,
    metricsUrl,
    config,
    db,
    health,
    logger,
    ready,
    stop(graceMs = config.SHUTDOWN_GRACE_MS) {
      stopping ??= (async () => {
        health.shutDown();
        preparation.cancel();
        draining.abort();
        logger.info({ inFlight: server.inFlight(), graceMs }, "draining");
        const result = await server.close(graceMs, () => shutdown.abort());
        stopCleanup();
        await metricsServer?.close();
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
  if (options.waitUntilReady ?? true) {
    try {
      await ready;
    } catch (error) {
      await running.stop(0);
      throw error;
    }
  }
  return running;
}

/** A database setting that cannot be honoured is a configuration error (one message, exit 1). */
function databaseSettings<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw new ConfigError([(error as Error).message]);
  }
}

/** Refused calls never reach the interceptors; they are logged here, without the token. */
function logRejected(logger: Logger, ctx: HandlerContext, error: unknown): void {
  const rpc = `${ctx.service.typeName}/${ctx.method.name}`;
  const requestId = ctx.requestHeader.get("x-request-id") ?? undefined;
  logger.warn({ rpc, requestId, code: Code[ConnectError.from(error).code], reason: ConnectError.from(error).rawMessage }, "rpc rejected");
}

/**
 * Process entry point: start, then drain on SIGTERM/SIGINT and exit. A second
 * signal exits at once. Start-up failures print one clear message and exit 1.
 */
export async function runService<S extends ConfigSpec>(definition: ServiceDefinition<S>): Promise<void> {
  let service: RunningService<BaseConfig & ConfigOf<S>>;
  const fail = (error: unknown): never => {
    const message = error instanceof ConfigError ? error.message : `start-up failed: ${(error as Error).message}`;
    process.stderr.write(`${definition.name}: ${message}\n`);
    process.exit(1);
  };
  try {
    // Listening at once; ready when the database is (a database not there yet is waited for).
    service = await startService(definition, process.env, { waitUntilReady: false });
  } catch (error) {
    return fail(error);
  }
  // A fault retrying cannot fix (a broken migration): exit, so a bad image is rolled back.
  service.ready.catch(async (error: unknown) => {
    await service.stop(0).catch(() => {});
    fail(error);
  });
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
