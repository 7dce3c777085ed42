// The three tiers as separate processes, started the way production starts them:
// each service as its image's CMD runs it (`node --enable-source-maps
// services/<svc>/dist/main.js`, the esbuild bundle; service-command.ts) configured
// by environment alone; the gateway is the `wrangler deploy --dry-run` bundle in one
// plain `workerd serve` (plain-workerd.ts), the peer an Express + grpc-js process.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, leftInFlight, TEST_SERVICE_TOKEN_SECRET } from "@grpc-edge/service-kit/testing";
import { TEST_JWT } from "../workers/gateway/test/jwt-test-kit.ts";
import type { BuiltBundle } from "./gateway-bundle.ts";
import { startPeer, type Peer } from "./peers/start-peer.ts";
import { startPlainWorkerd, type PlainWorkerd } from "./plain-workerd.ts";
import { readMemory, readProcStat } from "./process-stats.ts";
import type { DatabaseLocation, ServiceName } from "./seed-data.ts";
import { imageCommand, type ServiceCommand } from "./service-command.ts";

const root = fileURLToPath(new URL("..", import.meta.url));

export interface ServiceProcess {
  name: ServiceName;
  pid: number;
  port: number;
  url: string;
  /** The service's stdout/stderr (its JSON logs). */
  logFile: string;
  /** Spawn to the first 200 from /readyz, ms. */
  startToReadyMs: number;
  /** CPU time (utime + stime) the process had used when it was ready, ms (10 ms ticks). */
  cpuAtReadyMs: number;
  /** VmRSS when it was ready, MiB. */
  rssAtReadyMiB: number;
  stop(): Promise<void>;
}

export interface StartServiceOptions {
  service: ServiceName;
  database: DatabaseLocation;
  logFile: string;
  /** The order service's URL (user service only). */
  orderServiceUrl?: string;
  /** Extra environment, set last (experiments). */
  extraEnv?: Record<string, string>;
  /** How to run it; default: the way its image does (imageCommand). */
  command?: ServiceCommand;
  /** The checkout whose service runs (another revision's, revision-services.ts); default: this one. */
  root?: string;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: readonly string[];
  readyTimeoutMs?: number;
}

/** The environment a container would get: its Dockerfile ENV plus the deployment's settings, nothing inherited. */
function serviceEnv(options: StartServiceOptions, command: ServiceCommand, port: number): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    ...command.env,
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: String(port),
    METRICS_PORT: "0",
    LOG_LEVEL: "info",
  };
  // The secret startGateway gives the gateway, so its service tokens verify.
  env.SERVICE_TOKEN_SECRET = TEST_SERVICE_TOKEN_SECRET;
  if (options.database.kind === "postgres") env.DATABASE_URL = options.database.url;
  else env.PGLITE_DATA_DIR = options.database.dataDir;
  if (options.orderServiceUrl) env.ORDER_SERVICE_URL = options.orderServiceUrl;
  return { ...env, ...options.extraEnv };
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

/** Polls /readyz every few ms until it answers 200. */
async function waitReady(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode} before it was ready`);
    try {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`not ready within ${timeoutMs} ms`);
}

export async function startServiceProcess(options: StartServiceOptions): Promise<ServiceProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log = openSync(options.logFile, "a");
  const base = options.root ?? root;
  const command = options.command ?? imageCommand(options.service, base);
  const [entry, ...nodeFlags] = [command.args.at(-1)!, ...command.args.slice(0, -1)];
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeFlags, ...(options.nodeArgs ?? []), join(base, entry)], {
    cwd: base,
    env: serviceEnv(options, command, port),
    stdio: ["ignore", log, log],
  });
  closeSync(log);
  const done = leftInFlight(exited(child));
  try {
    await waitReady(url, child, options.readyTimeoutMs ?? 60_000);
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`${options.service} service (log: ${options.logFile}): ${(error as Error).message}`);
  }
  const startToReadyMs = performance.now() - started;
  const cpuAtReadyMs = readProcStat(child.pid!)?.cpuMs ?? Number.NaN;
  const rssAtReadyMiB = readMemory(child.pid!)?.rssMiB ?? Number.NaN;
  let stopping: Promise<void> | undefined;
  return {
    name: options.service,
    pid: child.pid!,
    port,
    url,
    logFile: options.logFile,
    startToReadyMs,
    cpuAtReadyMs,
    rssAtReadyMiB,
    stop: () =>
      (stopping ??= (async () => {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
        await done;
        clearTimeout(timer);
      })()),
  };
}

/** What the bench passes the Worker and the peer alike: the services' token secret, the test JWT settings. */
export function edgeSecrets(): { secrets: Record<string, string>; vars: Record<string, string> } {
  return {
    secrets: { SERVICE_TOKEN_SECRET: TEST_SERVICE_TOKEN_SECRET, JWT_SECRET: TEST_JWT.secret },
    vars: { JWT_ISSUER: TEST_JWT.issuer, JWT_AUDIENCE: TEST_JWT.audience },
  };
}

/**
 * The gateway bundle in one plain workerd in front of these services, edge cache off
 * (every request makes its upstream call). ORDER_SERVICE_URL is passed already: the
 * gateway routes order RPCs to the order service once it reads it.
 */
export function startGatewayProcess(
  bundle: BuiltBundle,
  services: { userUrl: string; orderUrl: string },
  logFile: string,
  tag: string,
  options: { inspectorPort?: number; edgeCache?: { backend: string; ttlSeconds: number } } = {},
): Promise<PlainWorkerd> {
  const { secrets, vars } = edgeSecrets();
  return startPlainWorkerd(bundle, {
    vars: { ...vars, USER_SERVICE_URL: services.userUrl, ORDER_SERVICE_URL: services.orderUrl, EDGE_CACHE_TTL_SECONDS: "0" },
    secrets,
    logFile,
    configName: `workerd-${tag}.capnp`,
    ...options,
  });
}

/** The Express + grpc-js peer in front of the same services, with the Worker's settings. */
export function startPeerProcess(bundle: BuiltBundle, userUrl: string, logFile: string): Promise<Peer> {
  const { secrets, vars } = edgeSecrets();
  const publicReads = String(bundle.wrangler.vars?.PUBLIC_READS ?? "false");
  return startPeer({ userServiceUrl: userUrl, env: { ...secrets, ...vars, PUBLIC_READS: publicReads }, logFile });
}

export interface Stack {
  order: ServiceProcess;
  user: ServiceProcess;
  gateway: PlainWorkerd;
  /** The Express + grpc-js peer (bench/peers/). */
  peer: Peer;
  stop(): Promise<void>;
}

export async function startStack(options: {
  order: DatabaseLocation;
  user: DatabaseLocation;
  /** The `wrangler deploy --dry-run` bundle (gateway-bundle.ts). */
  bundle: BuiltBundle;
  logDir: string;
  tag: string;
  userNodeArgs?: readonly string[];
  orderNodeArgs?: readonly string[];
  extraEnv?: Record<string, string>;
  /** The services of another checkout (revision-services.ts); default: this one. */
  servicesRoot?: string;
  /** workerd also runs the gateway with its edge cache on, against this Cache API backend (cache-backend.ts). */
  edgeCache?: { backend: string; ttlSeconds: number };
}): Promise<Stack> {
  const order = await startServiceProcess({
    service: "order",
    database: options.order,
    logFile: join(options.logDir, `${options.tag}-order.log`),
    nodeArgs: options.orderNodeArgs,
    extraEnv: options.extraEnv,
    root: options.servicesRoot,
  });
  let user: ServiceProcess | undefined;
  let gateway: PlainWorkerd | undefined;
  try {
    user = await startServiceProcess({
      service: "user",
      database: options.user,
      logFile: join(options.logDir, `${options.tag}-user.log`),
      orderServiceUrl: order.url,
      nodeArgs: options.userNodeArgs,
      extraEnv: options.extraEnv,
      root: options.servicesRoot,
    });
    gateway = await startGatewayProcess(options.bundle, { userUrl: user.url, orderUrl: order.url }, join(options.logDir, `${options.tag}-workerd.log`), options.tag, {
      edgeCache: options.edgeCache,
    });
    const peer = await startPeerProcess(options.bundle, user.url, join(options.logDir, `${options.tag}-peer.log`));
    const [u, g] = [user, gateway];
    return {
      order,
      user,
      gateway,
      peer,
      async stop() {
        // Front to back, so no tier is left calling one that is gone.
        await Promise.all([g.stop(), peer.stop()]);
        await u.stop();
        await order.stop();
      },
    };
  } catch (error) {
    await gateway?.stop();
    await user?.stop();
    await order.stop();
    throw error;
  }
}
