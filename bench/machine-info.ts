// What the numbers were measured on.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { findPostgresBin } from "@grpc-edge/service-kit/testing";

const root = fileURLToPath(new URL("..", import.meta.url));

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  workerd: string;
  wrangler: string;
  wrk: string;
  postgres: string;
  gitCommit: string;
  /** Uncommitted changes when the run started. */
  gitDirty: boolean;
  /** 1-, 5- and 15-minute load averages when the run started (other work on the machine). */
  loadAverage: number[];
}

function run(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", cwd: root, stdio: ["ignore", "pipe", "pipe"] }).trim();
  } catch (error) {
    // wrk -v prints its version and exits 1.
    const out = (error as { stdout?: string }).stdout;
    return typeof out === "string" && out.trim() ? out.trim() : "unknown";
  }
}

function packageVersion(from: string, name: string): string {
  try {
    const require = createRequire(from);
    return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

export function machineInfo(): MachineInfo {
  const wranglerPkg = createRequire(import.meta.url).resolve("wrangler/package.json");
  const miniflarePkg = createRequire(wranglerPkg).resolve("miniflare/package.json");
  const pgBin = findPostgresBin();
  return {
    cpuModel: os.cpus()[0]?.model.trim() ?? "unknown",
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    workerd: packageVersion(miniflarePkg, "workerd"),
    wrangler: packageVersion(import.meta.url, "wrangler"),
    wrk: run("wrk", ["-v"]).split("\n")[0]!.split(" [")[0]!,
    postgres: pgBin ? run(join(pgBin, "postgres"), ["--version"]) : "not installed",
    gitCommit: run("git", ["rev-parse", "--short=12", "HEAD"]),
    gitDirty: run("git", ["status", "--porcelain", "--untracked-files=no"]) !== "",
    loadAverage: os.loadavg().map((n) => Math.round(n * 100) / 100),
  };
}

/** "Intel Xeon … (2 cores, 24 GiB), Linux …, Node v24…, workerd …, PostgreSQL …, commit abc" */
export function machineLine(m: MachineInfo, date: string): string {
  return (
    `${date} on ${m.cpuModel} (${m.cores} cores, ${m.memoryGiB} GiB), ${m.os}; Node ${m.node}, workerd ${m.workerd}, ` +
    `${m.postgres.replace(/^postgres \(PostgreSQL\) /, "PostgreSQL ")}, ${m.wrk}; commit ${m.gitCommit}${m.gitDirty ? " (with local changes)" : ""}; ` +
    `load average at start ${m.loadAverage.join(" / ")}`
  );
}
