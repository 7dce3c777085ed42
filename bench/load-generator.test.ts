import { describe, expect, it } from "vitest";
import { parseWrkOutput, wrkArgs } from "./load-generator.ts";

const wrkStdout = `Running 10s test @ http://127.0.0.1:8787
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     5.10ms    2.01ms  40.12ms   90.00%
  24000 requests in 10.00s, 12.00MB read
Requests/sec:   2400.00
WRK_JSON {"requests":24000,"durationUs":10000000,"bytes":12582912,"errors":{"connect":0,"read":1,"write":0,"status":3,"timeout":2},"latencyUs":{"min":800,"mean":5100.5,"max":40120,"stdev":2010.0,"p50":4500,"p90":7250,"p99":15999,"p999":30000}}
`;

describe("parseWrkOutput", () => {
  it("reads the WRK_JSON line of wrk/scenario.lua's done()", () => {
    expect(parseWrkOutput(wrkStdout)).toEqual({
      requests: 24_000,
      durationSec: 10,
      rps: 2_400,
      latencyMs: { mean: 5.101, p50: 4.5, p90: 7.25, p99: 15.999, p999: 30, max: 40.12 },
      errors: { connect: 0, read: 1, write: 0, status: 3, timeout: 2, total: 6 },
    });
  });

  it("fails loudly when the script printed nothing", () => {
    expect(() => parseWrkOutput("Running 10s test @ http://x\n")).toThrow(/no WRK_JSON line/);
  });
});

describe("wrkArgs", () => {
  it("fixes threads, connections and duration, and loads the scenario script", () => {
    const args = wrkArgs({
      origin: "http://127.0.0.1:1234",
      scenario: "getUser",
      path: "gateway",
      directFormat: "proto",
      users: 10,
      items: 100,
      durationSec: 10,
      connections: 16,
      threads: 2,
    });
    expect(args.slice(0, 3)).toEqual(["-t2", "-c16", "-d10s"]);
    expect(args[args.indexOf("-s") + 1]).toMatch(/bench\/wrk\/scenario\.lua$/);
    expect(args.at(-1)).toBe("http://127.0.0.1:1234");
  });
});
