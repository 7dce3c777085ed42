import { describe, expect, it } from "vitest";
import { cpuBetween, parseProcStat, parseProcStatus } from "./process-stats.ts";

describe("parseProcStat", () => {
  it("reads pid, comm (spaces and parentheses included), ppid and utime+stime", () => {
    // Fields 14 and 15 (utime, stime) are 250 and 50 ticks.
    const line = "4242 (node (main) x) S 17 4242 17 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 11 0 12345 1000000 5000 18446744073709551615";
    expect(parseProcStat(line, 100)).toEqual({ pid: 4242, comm: "node (main) x", ppid: 17, cpuMs: 3_000 });
  });
});

describe("parseProcStatus", () => {
  it("reads current and peak RSS in MiB", () => {
    const text = "Name:\tnode\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nThreads:\t11\n";
    expect(parseProcStatus(text)).toEqual({ rssMiB: 100, peakRssMiB: 200 });
  });
});

describe("cpuBetween", () => {
  it("counts processes that appeared in between from zero and ignores ones that exited", () => {
    const before = new Map([[1, 100], [2, 50], [3, 10]]);
    const after = new Map([[1, 160], [2, 55], [4, 7]]);
    expect(cpuBetween(before, after)).toBe(60 + 5 + 7);
  });
});
