import { describe, expect, it } from "vitest";
import { parseWranglerUpload } from "./bundle-size.ts";
import type { MachineInfo } from "./machine-info.ts";
import { replaceBenchSection, startMarker, endMarker } from "./readme-section.ts";
import { niceScale, renderChart } from "./render-chart.ts";
import { renderMarkdown } from "./report-markdown.ts";
import { summarize, type BenchResults, type MemoryResult, type RpcCountResult, type RunResult, type StartupResult } from "./results.ts";
import { rpcLinesFor } from "./rpc-count.ts";
import { evaluateTargets } from "./targets.ts";
import { edgeCacheVersusPeer } from "./versus-peer.ts";

function run(over: Partial<RunResult> & Pick<RunResult, "path" | "rps">): RunResult {
  const p99 = over.path === "gateway" ? 12 : 10;
  return {
    scenario: "getUser",
    database: "postgres",
    dataSet: "large",
    round: 1,
    requests: over.rps * 10,
    durationSec: 10,
    latencyMs: { mean: 5, p50: 5, p90: 8, p99, p999: 20, max: 30 },
    errors: { connect: 0, read: 0, write: 0, status: 0, timeout: 0, total: 0 },
    cpuUsPerRequest: over.path === "gateway" ? { gateway: 300, user: 400, order: 300, db: 100, total: 1100 } : { user: 400, order: 300, db: 100, total: 800 },
    ...over,
  };
}

const runs: RunResult[] = [
  run({ path: "direct", rps: 1000, round: 1 }),
  run({ path: "gateway", rps: 850, round: 1 }),
  run({ path: "direct", rps: 1200, round: 2 }),
  run({ path: "gateway", rps: 950, round: 2 }),
  run({ path: "gateway", rps: 900, dataSet: "small" }),
  run({ path: "direct", rps: 1100, dataSet: "small" }),
];

const machine: MachineInfo = {
  cpuModel: "Test CPU",
  cores: 2,
  memoryGiB: 24,
  os: "Linux 6 x64",
  node: "v24.0.0",
  workerd: "1.2",
  wrangler: "4.1",
  wrk: "wrk 4.1.0",
  postgres: "postgres (PostgreSQL) 15.18",
  gitCommit: "abc123",
  gitDirty: false,
  loadAverage: [0.5, 0.4, 0.3],
};

function results(): BenchResults {
  const summaries = summarize(runs);
  const headline = { database: "postgres", dataSet: "large" } as const;
  const startup: StartupResult[] = [
    { service: "order", database: "postgres", startsMs: [250, 260, 240], medianMs: 250 },
    { service: "user", database: "postgres", startsMs: [320, 310, 330], medianMs: 320 },
  ];
  const memory: MemoryResult[] = [
    { process: "order", database: "postgres", dataSet: "large", idleRssMB: 80 },
    { process: "user", database: "postgres", dataSet: "large", idleRssMB: 90 },
    { process: "gateway", database: "postgres", dataSet: "large", idleRssMB: 120 },
  ];
  const internalRpcs: RpcCountResult[] = [
    { scenario: "listUsers", request: "GET /api/users?page_size=50", status: 200, count: 2, rpcs: ["user-service: UserService/GetAllUsers", "order-service: OrderService/GetOrdersByUserIds"] },
  ];
  return {
    schema: 1,
    date: "2026-01-02",
    startedAt: "2026-01-02T10:00:00Z",
    finishedAt: "2026-01-02T10:15:00Z",
    quick: false,
    options: { connections: 16, threads: 2, warmupSec: 3, durationSec: 10, rounds: 2, directFormat: "proto" },
    machine,
    gatewayToDirectThroughput: 0.82,
    bundleGzipKiB: 77.25,
    bundle: { rawKiB: 275, gzipKiB: 77.1, wranglerKiB: 275.43, wranglerGzipKiB: 77.25 },
    headline,
    startup,
    memory,
    internalRpcs,
    summaries,
    targets: evaluateTargets({ summaries, headline, bundleGzipKiB: 77.25, startup, memory, internalRpcs }),
    runs,
    notes: [],
  };
}

describe("summarize", () => {
  it("averages rounds per scenario × database × data set × path and keeps the spread", () => {
    const [direct, gateway] = summarize(runs);
    expect(direct).toMatchObject({ path: "direct", dataSet: "large", rounds: 2, rps: 1100, rpsMin: 1000, rpsMax: 1200, requests: 22_000 });
    expect(gateway).toMatchObject({ path: "gateway", rps: 900, latencyMs: { p50: 5, p90: 8, p99: 12 }, cpuUsPerRequest: { gateway: 300, total: 1100 } });
  });
});

describe("evaluateTargets", () => {
  const byName = (name: string) => results().targets.find((t) => t.name.startsWith(name))!;

  it("judges each target on the headline configuration, with the numbers", () => {
    expect(byName("Gateway throughput")).toMatchObject({ met: true, measured: expect.stringContaining("0.82× (900 vs 1,100 req/s") });
    expect(byName("Gateway p99")).toMatchObject({ met: true, measured: expect.stringContaining("1.20×") });
    expect(byName("Gateway bundle")).toMatchObject({ met: true, measured: "77.3 KiB" });
    expect(byName("Service start-to-ready")).toMatchObject({ met: false, measured: "order 250 ms, user 320 ms" });
    expect(byName("Idle RSS")).toMatchObject({ met: true, measured: "order 80 MB, user 90 MB (PostgreSQL)" });
    expect(byName("Internal RPCs")).toMatchObject({ met: true });
    expect(byName("p50 large ÷ small set, GET /api/users/{id}")).toMatchObject({ met: true, measured: expect.stringContaining("1.00×") });
  });

  it("says what was not measured instead of guessing", () => {
    expect(byName("p50 large ÷ small set, GET /api/users?page_size=50")).toMatchObject({ met: undefined, measured: expect.stringMatching(/^not measured/) });
  });
});

describe("renderMarkdown", () => {
  const md = renderMarkdown(results(), { chartPath: "./2026-01-02.svg" });

  it("has the machine line, the load table with the gateway ÷ direct column, and the targets", () => {
    expect(md).toContain("Measured 2026-01-02 on Test CPU (2 cores, 24 GiB)");
    expect(md).toContain("| `GET /api/users/{id}` | PostgreSQL | large | gateway | 900 (850–950) | 5.00 | 8.00 | 12.0 | 0 | 300 | 400 | 300 | 100 | 1,100 | 0.82× req/s, 1.20× p99 |");
    expect(md).toContain("| `UserService/GetUserById` | PostgreSQL | large | direct | 1,100 (1,000–1,200) |");
    expect(md).toContain("| Service start-to-ready (median) | ≤ 300 ms on PostgreSQL | order 250 ms, user 320 ms | ❌ missed |");
    expect(md).toContain("![Throughput and p99 latency");
  });

  it("has one table row per summary", () => {
    expect(md.split("\n").filter((l) => /^\| `(GET|POST|UserService|OrderService)/.test(l))).toHaveLength(4 + 1);
  });
});

describe("renderChart", () => {
  const svg = renderChart(summarize(runs), { title: "T & <b>", subtitle: "S" });

  it("draws a bar per summary in each of the two panels, escaping text", () => {
    const bars = svg.match(/<rect x="[\d.]+" y="[\d.]+" width="16"/g) ?? [];
    expect(bars).toHaveLength(2 * summarize(runs).length);
    expect(svg).toContain("T &amp; &lt;b&gt;");
    expect(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"")).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
  });

  it("picks round axis maxima", () => {
    expect(niceScale(873)).toEqual({ max: 1000, step: 200 });
    expect(niceScale(12.3)).toEqual({ max: 15, step: 5 });
    expect(niceScale(0)).toEqual({ max: 1, step: 0.2 });
  });
});

describe("replaceBenchSection", () => {
  const readme = "# x\n\n## REST API\n\nroutes\n\n## Ports\n\nports\n";

  it("inserts a section after the REST API section, then replaces only what lies between the markers", () => {
    const once = replaceBenchSection(readme, "table 1");
    expect(once).toMatch(/## REST API\n\nroutes\n\n## Benchmark\n[\s\S]*table 1\n<!-- bench:end -->\n\n## Ports/);
    const twice = replaceBenchSection(once.replace("## Benchmark\n", "## Benchmark\n\nhand-written intro\n"), "table 2");
    expect(twice).toContain(`${startMarker}\ntable 2\n${endMarker}`);
    expect(twice).toContain("hand-written intro");
    expect(twice).not.toContain("table 1");
    expect(twice.match(/## Benchmark/g)).toHaveLength(1);
  });
});

describe("parsers", () => {
  it("reads wrangler's upload size", () => {
    expect(parseWranglerUpload("✨ Read 7 files\nTotal Upload: 275.43 KiB / gzip: 77.25 KiB\n")).toEqual({ totalKiB: 275.43, gzipKiB: 77.25 });
    expect(parseWranglerUpload("nothing")).toBeUndefined();
  });

  it("counts the RPC log lines of one request id", () => {
    const logs = [
      JSON.stringify({ level: "info", service: "user-service", rpc: "user.v1.UserService/GetAllUsers", requestId: "r1", msg: "rpc" }),
      JSON.stringify({ level: "info", service: "user-service", rpc: "user.v1.UserService/GetAllUsers", requestId: "r10", msg: "rpc" }),
      JSON.stringify({ level: "info", service: "user-service", requestId: "r1", msg: "something else" }),
      "not json r1",
      JSON.stringify({ level: "error", service: "order-service", rpc: "orders.v1.OrderService/GetOrdersByUserIds", requestId: "r1", msg: "rpc failed" }),
    ].join("\n");
    expect(rpcLinesFor(logs, "r1")).toEqual([
      { service: "user-service", rpc: "user.v1.UserService/GetAllUsers" },
      { service: "order-service", rpc: "orders.v1.OrderService/GetOrdersByUserIds" },
    ]);
  });
});

describe("the Express + grpc-js peer in the report", () => {
  const withPeer = (): BenchResults => {
    const r = results();
    const peerRuns = [
      run({ path: "peer", rps: 1000, round: 1, cpuUsPerRequest: { peer: 250, user: 380, order: 290, db: 100, total: 1020 } }),
      run({ path: "peer", rps: 1000, round: 2, cpuUsPerRequest: { peer: 250, user: 380, order: 290, db: 100, total: 1020 } }),
    ];
    const extra = {
      gatewayCpuVsPeer: { getUser: 1.2 },
      servicesCpuVsPeer: { getUser: 1.04 },
      throughputVsPeer: { getUser: 0.9 },
      p99VsPeer: { getUser: 1.1 },
      gatewayFloor: {
        rps: 5000,
        p50Ms: 2.5,
        workerdCpuUsPerRequest: 200,
        constantWorkerCpuUsPerRequest: 80,
        constantRps: 12000,
        healthzVsConstant: 2.5,
        constantWithHeadersCpuUsPerRequest: 160,
        healthzVsConstantWithHeaders: 1.25,
        headerCount: 15,
        rounds: 3,
      },
    };
    const summaries = summarize([...runs, ...peerRuns]);
    return { ...r, schema: 2, ...extra, runs: [...runs, ...peerRuns], summaries, targets: evaluateTargets({ ...r, ...extra, summaries }) };
  };
  const r = withPeer();
  const md = renderMarkdown(r);
  const byName = (name: string) => r.targets.find((t) => t.name === name)!;

  it("shows the peer's row with its node CPU and its ratio to direct", () => {
    expect(md).toContain("| `GET /api/users/{id}` | PostgreSQL | large | peer | 1,000 (1,000–1,000) | 5.00 | 8.00 | 10.0 | 0 | 250 | 380 | 290 | 100 | 1,020 | 0.91× req/s, 1.00× p99 |");
  });

  it("has the gateway ÷ peer table and the floor against the constant Worker", () => {
    expect(md).toContain("| `GET /api/users/{id}` | 1.20× | 1.04× | 0.90× | 1.10× |");
    expect(md).toContain("costs 200 µs of workerd process CPU per request");
    expect(md).toContain("in the same workerd process, 80 µs (12,000 req/s): 2.50×");
    expect(md).toContain("The same constant sent with the 15 headers /healthz sends (security headers, ETag, request id, Server-Timing) costs 160 µs; /healthz is 1.25× that");
  });

  it("judges issue 11's targets, and says which scenarios were not compared", () => {
    expect(byName("Gateway workerd process CPU ÷ peer process CPU, GET /api/users/{id}")).toMatchObject({ goal: "≤ 0.8×", met: false, measured: expect.stringMatching(/^1\.20×/) });
    expect(byName("Services CPU through the gateway ÷ through the peer, GET /api/users/{id}")).toMatchObject({ goal: "≤ 1.0×", met: false });
    expect(byName("Throughput ÷ peer, GET /api/users/{id}")).toMatchObject({ goal: "≥ 1.0×", met: false });
    expect(byName("p99 ÷ peer (medians over rounds), GET /api/users/{id}")).toMatchObject({ met: false });
    expect(byName("Throughput ÷ peer, POST /api/users/{id}/orders")).toMatchObject({ met: undefined });
    expect(byName("Gateway GET /healthz ÷ a constant Worker, workerd process CPU")).toMatchObject({ goal: "≤ 1.5×", met: false, measured: "2.50× (200 vs 80 µs)" });
  });

  it("compares an edge-cache hit and a 304 with the peer's uncached read", () => {
    const cost = { hit: { rps: 4000, p50Ms: 3, workerdCpuUsPerRequest: 60 }, notModified: { rps: 4200, p50Ms: 2.9, workerdCpuUsPerRequest: 100 }, rounds: 3 };
    const edgeCache = edgeCacheVersusPeer(cost, r.runs, r.headline);
    expect(edgeCache).toMatchObject({ peerUncachedCpuUsPerRequest: 250, hitVsPeerUncached: 0.24, notModifiedVsPeerUncached: 0.4 });
    const withCache = { ...r, edgeCache, targets: evaluateTargets({ ...r, edgeCache }) };
    const target = (name: string) => withCache.targets.find((t) => t.name === name);
    expect(target("Gateway workerd process CPU of an edge-cache hit ÷ the peer's uncached GET /api/users/{id}")).toMatchObject({ goal: "≤ 0.3×", met: true, measured: "0.24× (60 vs 250 µs)" });
    expect(target("Gateway workerd process CPU of a 304 (If-None-Match, from the edge cache) ÷ the peer's uncached GET /api/users/{id}")).toMatchObject({ met: false, measured: "0.40× (100 vs 250 µs)" });
    expect(renderMarkdown(withCache)).toContain("a hit costs 60 µs of workerd process CPU per request (4,000 req/s, p50 3.00 ms), a revalidation answered 304 100 µs (4,200 req/s); the peer's uncached `GET /api/users/{id}` costs its process 250 µs.");
  });

  it("keeps the peer out of the services' idle-RSS target", () => {
    const memory = [...r.memory, { process: "peer" as const, database: "postgres" as const, dataSet: "large" as const, idleRssMB: 500 }];
    const rss = evaluateTargets({ ...r, memory }).find((t) => t.name === "Idle RSS per service")!;
    expect(rss).toMatchObject({ met: true, measured: "order 80 MB, user 90 MB (PostgreSQL)" });
  });
});

describe("internal RPCs through the peer", () => {
  it("says whether the peer caused the same calls as the gateway", () => {
    const r = results();
    r.internalRpcs = [
      { ...r.internalRpcs[0]!, peerStatus: 200, peerRpcs: [...r.internalRpcs[0]!.rpcs] },
      { scenario: "getUser", request: "GET /api/users/{id}", status: 200, count: 2, rpcs: ["user-service: GetUserById", "order-service: GetOrdersByUserId"], peerStatus: 200, peerRpcs: ["user-service: GetUserById"] },
    ];
    const md = renderMarkdown(r);
    expect(md).toContain("| Through the peer |");
    expect(md).toContain("| `GET /api/users?page_size=50` | 2 | user-service: UserService/GetAllUsers, order-service: OrderService/GetOrdersByUserIds | the same |");
    expect(md).toContain("| `GET /api/users/{id}` | 2 | user-service: GetUserById, order-service: GetOrdersByUserId | user-service: GetUserById |");
  });
});
