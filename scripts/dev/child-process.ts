import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  /** Resolves with the exit code (or the signal's name) once the process is gone. */
  readonly exited: Promise<number | string>;
}

const colours = [36, 35, 33, 32];

/** Starts a process whose output lines are prefixed with its name, like docker compose. */
export function startChild(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, index: number): Child {
  // Own process group: a terminal's Ctrl-C reaches only the runner, which then
  // stops the tiers one by one (a service seeing two signals would skip its drain).
  const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const prefix = process.stdout.isTTY ? `\x1b[${colours[index % colours.length]}m${name.padEnd(8)}\x1b[0m|` : `${name.padEnd(8)}|`;
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (line) => process.stdout.write(`${prefix} ${line}\n`));
  }
  const exited = new Promise<number | string>((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal ?? 0)));
  return { name, process: child, exited };
}

/** Polls `url` until it answers 2xx, the child dies, or `timeoutMs` passes. */
export async function waitUntilReady(child: Child, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let dead = false;
  child.exited.then(() => (dead = true));
  while (Date.now() < deadline && !dead) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(dead ? `${child.name} exited during start-up (see its output above)` : `${child.name} was not ready at ${url} within ${timeoutMs} ms`);
}
