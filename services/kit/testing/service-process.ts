import { spawn } from "node:child_process";
import { TEST_SERVICE_TOKEN_SECRET } from "./mint-service-token.ts";

export interface ServiceProcess {
  /** Exit code, or null when killed by a signal. */
  readonly exited: Promise<number | null>;
  /** true until it exited. */
  running(): boolean;
  /** Everything it wrote so far (JSON log lines on stdout, messages on stderr). */
  output(): string;
  /** Its JSON log lines parsed (lines that are not JSON left out). */
  logs(): Array<Record<string, unknown>>;
  /** Sends it a signal (SIGTERM: drain and exit). */
  signal(signal: NodeJS.Signals): void;
  /** SIGKILL unless it is already gone; resolves once it is. */
  kill(): Promise<void>;
}

/**
 * `node <main>` as a container runs a service: configured by `env` alone (plus PATH,
 * the test service-token secret, info logs and a free metrics port), started without waiting for anything.
 */
export function spawnServiceProcess(main: string, env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, [main], {
    env: { PATH: process.env.PATH, LOG_LEVEL: "info", METRICS_PORT: "0", SERVICE_TOKEN_SECRET: TEST_SERVICE_TOKEN_SECRET, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    exited,
    running,
    output: () => output,
    logs: () =>
      output.split("\n").flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      }),
    signal: (signal) => void child.kill(signal),
    async kill() {
      if (running()) child.kill("SIGKILL");
      await exited;
    },
  };
}
