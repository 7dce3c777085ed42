// What a benchmark run records (bench/results/<date>.json), and how rounds are summarised.
import type { LoadResult } from "./load-generator.ts";
import type { MachineInfo } from "./machine-info.ts";
import type { DatabaseKind, DataSetName, PathName, ScenarioName } from "./options.ts";
import type { Target } from "./targets.ts";

/** CPU time per answered request, in microseconds, by process. */
export interface CpuPerRequest {
  /** The workerd process running the gateway (gateway path only): "workerd process CPU". */
  gateway?: number;
  /** The Express + grpc-js peer's node process (peer path only). */
  peer?: number;
  user: number;
  order: number;
  /** PostgreSQL server processes (PostgreSQL only: PGlite runs inside the services). */
  db?: number;
  /** Sum of the above: what one request costs the system, load generator excluded. */
  total: number;
}

export interface RunResult extends LoadResult {
  scenario: ScenarioName;
  database: DatabaseKind;
  dataSet: DataSetName;
  path: PathName;
  round: number;
  cpuUsPerRequest: CpuPerRequest;
}

export interface Summary {
  scenario: ScenarioName;
  database: DatabaseKind;
  dataSet: DataSetName;
  path: PathName;
  rounds: number;
  requests: number;
  /** Mean over rounds, and the spread. */
  rps: number;
  rpsMin: number;
  rpsMax: number;
  /** Means over rounds of each round's percentile. */
  latencyMs: { p50: number; p90: number; p99: number };
  /** Summed over rounds. */
  errors: number;
  cpuUsPerRequest: CpuPerRequest;
}

export interface StartupResult {
  service: "user" | "order";
  database: DatabaseKind;
  startsMs: number[];
  medianMs: number;
}

export interface MemoryResult {
  process: "user" | "order" | "gateway" | "peer";
  database: DatabaseKind;
  dataSet: DataSetName;
  /** Resident set size after start, a few requests and 2 s idle; MB (10^6 bytes). */
  idleRssMB: number;
  /** Peak RSS over the whole benchmark, MB. */
  peakRssMB?: number;
}

export interface RpcCountResult {
  scenario: ScenarioName;
  request: string;
  status: number;
  count: number;
  rpcs: string[];
  /** The same request through the Express + grpc-js peer (schema 2). */
  peerStatus?: number;
  peerRpcs?: string[];
}

/** The floor: the gateway's own GET /healthz and a constant-returning Worker, same workerd process. */
export interface GatewayFloor {
  rps: number;
  p50Ms: number;
  /** workerd process CPU per GET /healthz, median over rounds. */
  workerdCpuUsPerRequest: number;
  /** The same for the constant-returning Worker (schema 2). */
  constantWorkerCpuUsPerRequest?: number;
  constantRps?: number;
  /** workerdCpuUsPerRequest ÷ constantWorkerCpuUsPerRequest. */
  healthzVsConstant?: number | null;
  /** The constant Worker sending the headers /healthz sends (headerCount of them). */
  constantWithHeadersCpuUsPerRequest?: number;
  healthzVsConstantWithHeaders?: number | null;
  headerCount?: number;
  rounds?: number;
}

export interface EdgeCacheRun {
  rps: number;
  p50Ms: number;
  /** workerd process CPU per request. */
  workerdCpuUsPerRequest: number;
}

/** GET /api/users/1 answered by the edge cache (measure-edge-cache.ts), medians over rounds. */
export interface EdgeCacheCost {
  hit: EdgeCacheRun;
  /** The same read with If-None-Match of the stored ETag: 304. */
  notModified: EdgeCacheRun;
  rounds: number;
  /** The peer's uncached GET /api/users/{id}, peer process CPU per request (median over rounds). */
  peerUncachedCpuUsPerRequest?: number;
  hitVsPeerUncached?: number | null;
  notModifiedVsPeerUncached?: number | null;
}

export interface BenchResults {
  /** 1: gateway in Miniflare, no peer; 2: plain workerd, with the Express + grpc-js peer. */
  schema: 1 | 2;
  date: string;
  startedAt: string;
  finishedAt: string;
  quick: boolean;
  options: Record<string, unknown>;
  machine: MachineInfo;
  /** Throughput through the gateway ÷ direct, GET /api/users/{id}, headline configuration. */
  gatewayToDirectThroughput: number | null;
  /** The gateway's main module gzipped, KiB (wrangler's figure when it printed one). */
  bundleGzipKiB: number;
  bundle: { rawKiB: number; gzipKiB: number; wranglerKiB?: number; wranglerGzipKiB?: number };
  /**
   * The gateway's own GET /healthz (no upstream call) on the headline stack: what
   * a request costs workerd before any transcoding or subrequest.
   */
  gatewayFloor?: GatewayFloor;
  edgeCache?: EdgeCacheCost;
  /**
   * This gateway ÷ the Express + grpc-js peer per scenario on the headline configuration,
   * medians over rounds (versus-peer.ts): workerd process CPU ÷ peer process CPU per
   * request, the services' (+ PostgreSQL's) CPU per request, req/s, p99.
   */
  gatewayCpuVsPeer?: Partial<Record<ScenarioName, number>>;
  servicesCpuVsPeer?: Partial<Record<ScenarioName, number>>;
  throughputVsPeer?: Partial<Record<ScenarioName, number>>;
  p99VsPeer?: Partial<Record<ScenarioName, number>>;
  /** Which database and data set the headline ratios are read from. */
  headline: { database: DatabaseKind; dataSet: DataSetName };
  startup: StartupResult[];
  memory: MemoryResult[];
  internalRpcs: RpcCountResult[];
  summaries: Summary[];
  targets: Target[];
  runs: RunResult[];
  /** Anything worth knowing: gateway warnings, skipped parts. */
  notes: string[];
}

export const requestLabel: Record<ScenarioName, string> = {
  getUser: "GET /api/users/{id}",
  listUsers: "GET /api/users?page_size=50",
  createOrder: "POST /api/users/{id}/orders",
};

export const directLabel: Record<ScenarioName, string> = {
  getUser: "UserService/GetUserById",
  listUsers: "UserService/GetAllUsers",
  createOrder: "OrderService/CreateOrder",
};

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / (xs.length || 1);

export function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const keyOf = (r: Pick<RunResult, "scenario" | "database" | "dataSet" | "path">) => `${r.scenario}|${r.database}|${r.dataSet}|${r.path}`;

function meanCpu(runs: readonly RunResult[]): CpuPerRequest {
  const pick = (k: keyof CpuPerRequest) => {
    const xs = runs.map((r) => r.cpuUsPerRequest[k]).filter((x): x is number => x !== undefined);
    return xs.length ? mean(xs) : undefined;
  };
  const out: CpuPerRequest = { user: pick("user") ?? 0, order: pick("order") ?? 0, total: pick("total") ?? 0 };
  const gateway = pick("gateway");
  const peer = pick("peer");
  const db = pick("db");
  if (gateway !== undefined) out.gateway = gateway;
  if (peer !== undefined) out.peer = peer;
  if (db !== undefined) out.db = db;
  return out;
}

/** One row per scenario × database × data set × path, in first-run order. */
export function summarize(runs: readonly RunResult[]): Summary[] {
  const groups = new Map<string, RunResult[]>();
  for (const run of runs) {
    const key = keyOf(run);
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  return [...groups.values()].map((rs) => {
    const first = rs[0]!;
    return {
      scenario: first.scenario,
      database: first.database,
      dataSet: first.dataSet,
      path: first.path,
      rounds: rs.length,
      requests: rs.reduce((a, r) => a + r.requests, 0),
      rps: mean(rs.map((r) => r.rps)),
      rpsMin: Math.min(...rs.map((r) => r.rps)),
      rpsMax: Math.max(...rs.map((r) => r.rps)),
      latencyMs: {
        p50: mean(rs.map((r) => r.latencyMs.p50)),
        p90: mean(rs.map((r) => r.latencyMs.p90)),
        p99: mean(rs.map((r) => r.latencyMs.p99)),
      },
      errors: rs.reduce((a, r) => a + r.errors.total, 0),
      cpuUsPerRequest: meanCpu(rs),
    };
  });
}

export function findSummary(
  summaries: readonly Summary[],
  where: Pick<Summary, "scenario" | "database" | "dataSet" | "path">,
): Summary | undefined {
  return summaries.find((s) => keyOf(s) === keyOf(where));
}
