// CPU time and memory of processes, read from Linux's /proc.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

let clockTicks: number | undefined;

/** Kernel clock ticks per second (USER_HZ), the unit of utime/stime in /proc/<pid>/stat. */
export function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

export interface ProcStat {
  pid: number;
  comm: string;
  ppid: number;
  /** utime + stime of all the process's threads, in milliseconds. */
  cpuMs: number;
}

/** Parses one /proc/<pid>/stat line; comm may hold spaces and parentheses. */
export function parseProcStat(line: string, ticks = ticksPerSecond()): ProcStat {
  const open = line.indexOf("(");
  const close = line.lastIndexOf(")");
  const pid = Number(line.slice(0, open).trim());
  const comm = line.slice(open + 1, close);
  // Fields after comm, numbered from 3 (state) as in proc(5).
  const rest = line.slice(close + 2).split(" ");
  const field = (n: number) => Number(rest[n - 3]);
  return { pid, comm, ppid: field(4), cpuMs: ((field(14) + field(15)) * 1000) / ticks };
}

export function readProcStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return undefined; // gone
  }
}

export interface Memory {
  /** Resident set size now, MiB. */
  rssMiB: number;
  /** Peak resident set size, MiB. */
  peakRssMiB: number;
}

export function parseProcStatus(text: string): Memory {
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? Number.NaN);
  return { rssMiB: kib("VmRSS") / 1024, peakRssMiB: kib("VmHWM") / 1024 };
}

export function readMemory(pid: number): Memory | undefined {
  try {
    return parseProcStatus(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return undefined;
  }
}

/** Every process on the machine (that we may read). */
export function allProcesses(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcStat(Number(entry));
    if (stat) out.push(stat);
  }
  return out;
}

export function childrenOf(ppid: number): ProcStat[] {
  return allProcesses().filter((p) => p.ppid === ppid);
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

/** The PostgreSQL postmaster listening on `port` (started with `-p <port>`), if any. */
export function findPostmaster(port: number): number | undefined {
  return allProcesses().find((p) => p.comm === "postgres" && new RegExp(`(^| )-p ${port}( |$)`).test(cmdline(p.pid)))?.pid;
}

/** A set of processes whose CPU is counted together (e.g. the postmaster and its backends). */
export type ProcessGroup = () => number[];

export const single = (pid: number): ProcessGroup => () => [pid];
export const withChildren = (pid: number): ProcessGroup => () => [pid, ...childrenOf(pid).map((p) => p.pid)];

export type CpuSnapshot = Map<number, number>;

export function cpuSnapshot(group: ProcessGroup): CpuSnapshot {
  const snapshot: CpuSnapshot = new Map();
  for (const pid of group()) {
    const stat = readProcStat(pid);
    if (stat) snapshot.set(pid, stat.cpuMs);
  }
  return snapshot;
}

/**
 * CPU milliseconds spent between two snapshots: processes present at the end count
 * from the start (or from zero when they appeared in between); ones that exited are lost.
 */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}
