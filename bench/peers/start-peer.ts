// Starts the Express + grpc-js peer (express-grpc-gateway.ts) as its own node process,
// with the same secrets and JWT settings the bench gives the Worker.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { freePort, leftInFlight } from "@grpc-edge/service-kit/testing";

const entry = fileURLToPath(new URL("express-grpc-gateway.ts", import.meta.url));

export interface Peer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export interface StartPeerOptions {
  userServiceUrl: string;
  /** SERVICE_TOKEN_SECRET, JWT_SECRET, JWT_ISSUER, JWT_AUDIENCE, PUBLIC_READS. */
  env: Record<string, string>;
  logFile: string;
  readyTimeoutMs?: number;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

export async function startPeer(options: StartPeerOptions): Promise<Peer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log = openSync(options.logFile, "a");
  const child = spawn(process.execPath, [entry], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", NODE_ENV: "production", HOST: "127.0.0.1", PORT: String(port), USER_SERVICE_URL: options.userServiceUrl, ...options.env },
    stdio: ["ignore", log, log],
  });
  closeSync(log);
  const done = leftInFlight(exited(child));
  const deadline = performance.now() + (options.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the peer exited with code ${child.exitCode} (log: ${options.logFile})`);
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) {
      child.kill("SIGKILL");
      await done;
      throw new Error(`the peer did not answer /healthz in time (log: ${options.logFile})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  let stopping: Promise<void> | undefined;
  return {
    url,
    pid: child.pid!,
    stop: () =>
      (stopping ??= (async () => {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await done;
        clearTimeout(timer);
      })()),
  };
}
