// The three tiers as separate processes, started the way production starts them:
// each service as its image's CMD runs it (`node --enable-source-maps
// services/<svc>/dist/main.js`, the esbuild bundle; service-command.ts) configured
// by environment alone, the gateway is the `wrangler deploy --dry-run` bundle in one
// workerd (Miniflare, no `wrangler dev` proxy in front).
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, TEST_SERVICE_TOKEN_SECRET } from "@grpc-edge/service-kit/testing";
import { startGateway, type RunningGateway, type WorkerLog } from "../workers/gateway/test/start-gateway.ts";
import { allProcesses, readMemory, readProcStat } from "./process-stats.ts";
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
  const command = options.command ?? imageCommand(options.service);
  const [entry, ...nodeFlags] = [command.args.at(-1)!, ...command.args.slice(0, -1)];
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeFlags, ...(options.nodeArgs ?? []), join(root, entry)], {
    cwd: root,
    env: serviceEnv(options, command, port),
    stdio: ["ignore", log, log],
  });
  closeSync(log);
  const done = exited(child);
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

export interface Gateway {
  url: string;
  /** The workerd process serving it. */
  pid: number;
  /** Warnings and errors the Worker logged. */
  problems: WorkerLog[];
  /** Drops the log lines Miniflare keeps in memory (one access-log line per request). */
  forgetLogs(): void;
  stop(): Promise<void>;
}

function workerdChildren(): Set<number> {
  return new Set(allProcesses().filter((p) => p.ppid === process.pid && p.comm.startsWith("workerd")).map((p) => p.pid));
}

export async function startGatewayProcess(userServiceUrl: string): Promise<Gateway> {
  const before = workerdChildren();
  const problems: WorkerLog[] = [];
  const gateway: RunningGateway = await startGateway({
    userServiceUrl,
    // Every request makes its upstream call, like the direct one it is compared with.
    vars: { EDGE_CACHE_TTL_SECONDS: "0" },
    onLog: (log) => {
      if ((log.level === "warn" || log.level === "error") && problems.length < 100) problems.push(log);
    },
  });
  const fresh = [...workerdChildren()].filter((pid) => !before.has(pid));
  if (fresh.length !== 1) {
    await gateway.stop();
    throw new Error(`expected one new workerd process, found ${fresh.length}`);
  }
  return {
    url: gateway.url,
    pid: fresh[0]!,
    problems,
    // RunningGateway keeps every line in an array it exposes read-only; at tens of
    // thousands of requests per run that would grow without bound.
    forgetLogs: () => void (gateway.logs as WorkerLog[]).splice(0),
    stop: () => gateway.stop(),
  };
}

export interface Stack {
  order: ServiceProcess;
  user: ServiceProcess;
  gateway: Gateway;
  stop(): Promise<void>;
}

export async function startStack(options: {
  order: DatabaseLocation;
  user: DatabaseLocation;
  logDir: string;
  tag: string;
  userNodeArgs?: readonly string[];
  orderNodeArgs?: readonly string[];
  extraEnv?: Record<string, string>;
}): Promise<Stack> {
  const order = await startServiceProcess({
    service: "order",
    database: options.order,
    logFile: join(options.logDir, `${options.tag}-order.log`),
    nodeArgs: options.orderNodeArgs,
    extraEnv: options.extraEnv,
  });
  let user: ServiceProcess | undefined;
  try {
    user = await startServiceProcess({
      service: "user",
      database: options.user,
      logFile: join(options.logDir, `${options.tag}-user.log`),
      orderServiceUrl: order.url,
      nodeArgs: options.userNodeArgs,
      extraEnv: options.extraEnv,
    });
    const gateway = await startGatewayProcess(user.url);
    const u = user;
    return {
      order,
      user,
      gateway,
      async stop() {
        // Front to back, so no tier is left calling one that is gone.
        await gateway.stop();
        await u.stop();
        await order.stop();
      },
    };
  } catch (error) {
    await user?.stop();
    await order.stop();
    throw error;
  }
}
