import { describe, expect, it } from "vitest";
import type { RunResult } from "./results.ts";
import { compareWithPeer, floorRatio, pickRatio } from "./versus-peer.ts";

function run(path: RunResult["path"], round: number, rps: number, p99: number, edge: number, services: { user: number; order: number; db: number }): RunResult {
  return {
    scenario: "getUser",
    database: "postgres",
    dataSet: "small",
    path,
    round,
    requests: rps * 10,
    durationSec: 10,
    rps,
    latencyMs: { mean: 1, p50: 1, p90: 2, p99, p999: 9, max: 9 },
    errors: { connect: 0, read: 0, write: 0, status: 0, timeout: 0, total: 0 },
    cpuUsPerRequest: { ...(path === "gateway" ? { gateway: edge } : path === "peer" ? { peer: edge } : {}), ...services, total: 0 },
  };
}

const runs = [
  run("direct", 1, 900, 10, 0, { user: 500, order: 300, db: 100 }),
  run("gateway", 1, 300, 40, 1600, { user: 1000, order: 800, db: 200 }),
  run("peer", 1, 400, 30, 800, { user: 700, order: 500, db: 200 }),
  run("gateway", 2, 330, 36, 1500, { user: 900, order: 700, db: 200 }),
  run("peer", 2, 440, 20, 700, { user: 800, order: 600, db: 200 }),
  run("gateway", 3, 3000, 1, 100, { user: 100, order: 100, db: 100 }), // an outlier round
  run("peer", 3, 410, 25, 750, { user: 750, order: 550, db: 200 }),
];

describe("compareWithPeer", () => {
  const c = compareWithPeer(runs, { database: "postgres", dataSet: "small" });

  it("divides the gateway's median over rounds by the peer's: edge CPU, services CPU, req/s, p99", () => {
    // gateway medians: edge 1500, services 1800, rps 330, p99 36; peer: 750, 1500, 410, 25
    expect(c.getUser).toEqual({ gatewayCpu: 2, servicesCpu: 1.2, throughput: 0.805, p99: 1.44, rounds: 3 });
  });

  it("carries one ratio per scenario into the results JSON", () => {
    expect(pickRatio(c, "throughput")).toEqual({ getUser: 0.805 });
  });

  it("leaves out what did not run through both, or on another configuration", () => {
    expect(compareWithPeer(runs.filter((r) => r.path !== "peer"), { database: "postgres", dataSet: "small" })).toEqual({});
    expect(compareWithPeer(runs, { database: "pglite", dataSet: "small" })).toEqual({});
  });
});

describe("floorRatio", () => {
  it("is /healthz's median workerd CPU over the constant Worker's, or null without both", () => {
    expect(floorRatio([200, 260, 240], [80, 60, 70])).toBeCloseTo(240 / 70, 3);
    expect(floorRatio([200], [])).toBeNull();
  });
});
