// A service as its container runs it: `node services/<name>/src/main.ts`, configured by
// environment only, so tests can send it real signals (SIGTERM drains, SIGKILL, SIGSTOP).
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { freePort, TEST_SERVICE_TOKEN_SECRET } from "@grpc-edge/service-kit/testing";

export interface ServiceProcess {
  readonly name: "user" | "order";
  readonly port: number;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly child: ChildProcess;
  /** Exit code, or null when killed by a signal. */
  readonly exited: Promise<number | null>;
  /** Everything it logged so far (JSON lines). */
  output(): string;
  signal(signal: NodeJS.Signals): void;
  /** SIGKILL unless it is already gone (a stopped process too); resolves once it is. */
  kill(): Promise<void>;
}

const running = new Set<ServiceProcess>();

/**
 * Spawns a service on `port` (a free one by default) with in-memory PGlite and the demo
 * data, and resolves when its /readyz says so. Kill it with `kill` or `killAllServices`.
 */
export async function spawnService(
  name: "user" | "order",
  env: Record<string, string> = {},
  port?: number,
): Promise<ServiceProcess> {
  const chosen = port ?? (await freePort());
  const main = fileURLToPath(new URL(`../../services/${name}/src/main.ts`, import.meta.url));
  const child = spawn(process.execPath, [main], {
    env: {
      PATH: process.env.PATH,
      PORT: String(chosen),
      METRICS_PORT: "0",
      HOST: "127.0.0.1",
      PGLITE_DATA_DIR: "memory://",
      SEED_DEMO_DATA: "true",
      LOG_LEVEL: "info",
      SERVICE_TOKEN_SECRET: TEST_SERVICE_TOKEN_SECRET,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${chosen}`;
  const proc: ServiceProcess = {
    name,
    port: chosen,
    url,
    child,
    exited,
    output: () => output,
    signal: (signal) => void child.kill(signal),
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
      running.delete(proc);
    },
  };
  running.add(proc);
  exited.then(() => running.delete(proc));
  try {
    await waitReady(url, exited);
  } catch (err) {
    await proc.kill();
    throw new Error(`${name} service did not start:\n${output}`, { cause: err });
  }
  return proc;
}

/** For afterAll/afterEach: no test leaves a process behind. */
export async function killAllServices(): Promise<void> {
  await Promise.all([...running].map((p) => p.kill()));
}

async function waitReady(url: string, exited: Promise<unknown>, timeoutMs = 30_000): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !gone) {
    const ok = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1_000) }).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(gone ? "exited" : "not ready in time");
}
