// The gateway bundle in ONE plain `workerd serve` process (node_modules/.bin/workerd,
// the binary wrangler and Miniflare ship), with a config generated from wrangler.toml
// (workerd-config.ts): no Miniflare entry worker, no assets router, no wrangler proxy —
// the process's CPU is the Worker's ("workerd process CPU"). The constant-returning
// floor worker listens in the same process.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { leftInFlight } from "@grpc-edge/service-kit/testing";
import type { BuiltBundle } from "./gateway-bundle.ts";
import { cachedGatewaySocket, constantSocket, constantWithHeadersSocket, gatewaySettings, gatewaySocket, modulesOf, parseListenEvents, renderWorkerdConfig } from "./workerd-config.ts";

const requireHere = createRequire(import.meta.url);

/** The workerd binary of the installed `workerd` package (what wrangler's Miniflare runs). */
export function workerdBinary(): string {
  return join(dirname(requireHere.resolve("workerd/package.json")), "bin", "workerd");
}

export interface PlainWorkerd {
  /** The gateway's origin. */
  url: string;
  /** The constant-returning worker's origin (same process). */
  constantUrl: string;
  /** The same constant sent with the headers of the gateway's /healthz (same process). */
  constantWithHeadersUrl: string;
  /** The gateway with its edge cache on (same process), when `edgeCache` was given. */
  cachedUrl?: string;
  pid: number;
  /** stdout and stderr: JSON log lines, one per console call. */
  logFile: string;
  /** Warning and error lines logged so far (at most `limit`). */
  problems(limit?: number): string[];
  stop(): Promise<void>;
}

export interface PlainWorkerdOptions {
  /** Vars set over wrangler.toml's [vars]. */
  vars: Record<string, string>;
  /** Secret bindings: passed in workerd's environment, never written to the config. */
  secrets: Record<string, string>;
  logFile: string;
  /** The config's file name inside the bundle folder (one per process when several share a bundle). */
  configName?: string;
  /** Opens workerd's V8 inspector on 127.0.0.1:<port> (profile-gateway.ts). */
  inspectorPort?: number;
  readyTimeoutMs?: number;
  /** Also runs the gateway with its edge cache on, the Cache API sent to this backend (cache-backend.ts). */
  edgeCache?: { backend: string; ttlSeconds: number };
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/** Reads the control fd until every socket reported its port, or the process died. */
function listenPorts(child: ChildProcess, control: Readable, sockets: readonly string[], timeoutMs: number): Promise<Map<string, number>> {
  return new Promise((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => finish(new Error(`workerd did not listen within ${timeoutMs} ms`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      text += chunk.toString("utf8");
      const ports = parseListenEvents(text);
      if (sockets.every((s) => ports.has(s))) finish(undefined, ports);
    };
    const onExit = (code: number | null) => finish(new Error(`workerd exited with code ${code} before it listened`));
    function finish(error?: Error, ports?: Map<string, number>) {
      clearTimeout(timer);
      control.off("data", onData);
      child.off("exit", onExit);
      if (error) reject(error);
      else resolve(ports!);
    }
    control.on("data", onData);
    child.once("exit", onExit);
  });
}

/** Writes the config beside the bundle's files and starts workerd on it. */
export async function startPlainWorkerd(bundle: BuiltBundle, options: PlainWorkerdOptions): Promise<PlainWorkerd> {
  const settings = gatewaySettings(bundle.wrangler, { vars: options.vars, secrets: Object.keys(options.secrets) });
  const configFile = join(bundle.dir, options.configName ?? "workerd.capnp");
  writeFileSync(configFile, renderWorkerdConfig({ ...settings, modules: modulesOf(bundle.files, bundle.mainModule), edgeCache: options.edgeCache }));
  const log = openSync(options.logFile, "a");
  const inspector = options.inspectorPort === undefined ? [] : [`--inspector-addr=127.0.0.1:${options.inspectorPort}`];
  const child = spawn(workerdBinary(), ["serve", configFile, "--control-fd=3", ...inspector], {
    cwd: bundle.dir,
    // Nothing inherited: the secrets and a PATH, as a deployment would have.
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...options.secrets },
    stdio: ["ignore", log, log, "pipe"],
  });
  closeSync(log);
  const done = leftInFlight(exited(child));
  let ports: Map<string, number>;
  try {
    const sockets = [gatewaySocket, constantSocket, constantWithHeadersSocket, ...(options.edgeCache === undefined ? [] : [cachedGatewaySocket])];
    ports = await listenPorts(child, child.stdio[3] as Readable, sockets, options.readyTimeoutMs ?? 30_000);
  } catch (error) {
    child.kill("SIGKILL");
    await done;
    throw new Error(`${(error as Error).message} (log: ${options.logFile})`);
  }
  (child.stdio[3] as Readable).resume();
  let stopping: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${ports.get(gatewaySocket)}`,
    constantUrl: `http://127.0.0.1:${ports.get(constantSocket)}`,
    constantWithHeadersUrl: `http://127.0.0.1:${ports.get(constantWithHeadersSocket)}`,
    ...(ports.has(cachedGatewaySocket) ? { cachedUrl: `http://127.0.0.1:${ports.get(cachedGatewaySocket)}` } : {}),
    pid: child.pid!,
    logFile: options.logFile,
    problems: (limit = 100) => problemLines(readFileSync(options.logFile, "utf8"), limit),
    stop: () =>
      (stopping ??= (async () => {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await done;
        clearTimeout(timer);
      })()),
  };
}

/** The Worker says so once per isolate; the bench leaves the binding out on purpose. */
const expectedWarning = "RATE_LIMITER binding is absent";

/** Warning and error lines of workerd's structured log (and anything that is not JSON). */
export function problemLines(text: string, limit: number): string[] {
  const out: string[] = [];
  for (const line of text.split("\n")) {
    if (out.length >= limit) break;
    if (!line.trim()) continue;
    try {
      const entry = JSON.parse(line) as { level?: unknown; message?: unknown };
      if ((entry.level === "warn" || entry.level === "error") && !String(entry.message).startsWith(expectedWarning)) out.push(String(entry.message ?? line));
    } catch {
      out.push(line);
    }
  }
  return out;
}
