// The issue's targets, each judged met / missed from a run's numbers.
import type { DatabaseKind, DataSetName } from "./options.ts";
import type { ScenarioName } from "./options.ts";
import { findSummary, requestLabel, type EdgeCacheCost, type GatewayFloor, type MemoryResult, type RpcCountResult, type StartupResult, type Summary } from "./results.ts";

export interface Target {
  name: string;
  goal: string;
  measured: string;
  /** undefined: not measured in this run (e.g. a scenario was left out). */
  met: boolean | undefined;
}

export interface TargetInput {
  summaries: readonly Summary[];
  headline: { database: DatabaseKind; dataSet: DataSetName };
  bundleGzipKiB: number;
  startup: readonly StartupResult[];
  memory: readonly MemoryResult[];
  internalRpcs: readonly RpcCountResult[];
  /** Users in the small data set (for the page-size caveat). */
  smallSetUsers?: number;
  /** Issue 11: this gateway ÷ the Express + grpc-js peer, per scenario (versus-peer.ts). */
  gatewayCpuVsPeer?: Partial<Record<ScenarioName, number>>;
  servicesCpuVsPeer?: Partial<Record<ScenarioName, number>>;
  throughputVsPeer?: Partial<Record<ScenarioName, number>>;
  p99VsPeer?: Partial<Record<ScenarioName, number>>;
  gatewayFloor?: GatewayFloor;
  edgeCache?: EdgeCacheCost;
}

export const limits = {
  gatewayThroughputRatio: 0.8,
  gatewayP99Ratio: 1.5,
  bundleGzipKiB: 100,
  startToReadyMs: 300,
  idleRssMB: 100,
  listUsersRpcs: 2,
  largeToSmallP50: 1.5,
  // Issue 11, against the Express + grpc-js peer.
  gatewayCpuVsPeer: 0.8,
  servicesCpuVsPeer: 1.0,
  throughputVsPeer: 1.0,
  p99VsPeer: 1.0,
  healthzVsConstant: 1.5,
  edgeCacheVsPeerUncached: 0.3,
} as const;

/** Issue 11's ratios against the peer: which way each must go. */
const peerTargets = [
  { key: "gatewayCpuVsPeer", name: "Gateway workerd process CPU ÷ peer process CPU", at: "≤", limit: limits.gatewayCpuVsPeer },
  { key: "servicesCpuVsPeer", name: "Services CPU through the gateway ÷ through the peer", at: "≤", limit: limits.servicesCpuVsPeer },
  { key: "throughputVsPeer", name: "Throughput ÷ peer", at: "≥", limit: limits.throughputVsPeer },
  { key: "p99VsPeer", name: "p99 ÷ peer (medians over rounds)", at: "≤", limit: limits.p99VsPeer },
] as const;

const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ratio = (n: number) => `${fmt(n, 2)}×`;
const dbName: Record<DatabaseKind, string> = { postgres: "PostgreSQL", pglite: "PGlite" };

function notMeasured(name: string, goal: string, why: string): Target {
  return { name, goal, measured: `not measured (${why})`, met: undefined };
}

/** The headline database and data set: PostgreSQL and the large set when they ran. */
export function pickHeadline(databases: readonly DatabaseKind[], dataSets: readonly DataSetName[]): { database: DatabaseKind; dataSet: DataSetName } {
  return {
    database: databases.includes("postgres") ? "postgres" : databases[0]!,
    dataSet: dataSets.includes("large") ? "large" : dataSets[0]!,
  };
}

/** Gateway ÷ direct throughput of GET /api/users/{id} on the headline configuration. */
export function gatewayToDirect(summaries: readonly Summary[], headline: TargetInput["headline"]): { ratio: number; gateway: Summary; direct: Summary } | undefined {
  const where = { scenario: "getUser", ...headline } as const;
  const gateway = findSummary(summaries, { ...where, path: "gateway" });
  const direct = findSummary(summaries, { ...where, path: "direct" });
  if (!gateway || !direct || direct.rps === 0) return undefined;
  return { ratio: gateway.rps / direct.rps, gateway, direct };
}

export function evaluateTargets(input: TargetInput): Target[] {
  const { summaries, headline } = input;
  const where = `${dbName[headline.database]}, ${headline.dataSet} set`;
  const targets: Target[] = [];

  const tput = gatewayToDirect(summaries, headline);
  const tputName = "Gateway throughput, GET /api/users/{id}";
  const tputGoal = `≥ ${limits.gatewayThroughputRatio}× direct`;
  targets.push(
    tput
      ? {
          name: tputName,
          goal: tputGoal,
          measured: `${ratio(tput.ratio)} (${fmt(tput.gateway.rps)} vs ${fmt(tput.direct.rps)} req/s, ${where})`,
          met: tput.ratio >= limits.gatewayThroughputRatio,
        }
      : notMeasured(tputName, tputGoal, "getUser not run on both paths"),
  );

  const p99Name = "Gateway p99, GET /api/users/{id}";
  const p99Goal = `≤ ${limits.gatewayP99Ratio}× direct p99`;
  if (tput && tput.direct.latencyMs.p99 > 0) {
    const r = tput.gateway.latencyMs.p99 / tput.direct.latencyMs.p99;
    targets.push({
      name: p99Name,
      goal: p99Goal,
      measured: `${ratio(r)} (${fmt(tput.gateway.latencyMs.p99, 1)} vs ${fmt(tput.direct.latencyMs.p99, 1)} ms, ${where})`,
      met: r <= limits.gatewayP99Ratio,
    });
  } else targets.push(notMeasured(p99Name, p99Goal, "getUser not run on both paths"));

  targets.push({
    name: "Gateway bundle, gzipped",
    goal: `≤ ${limits.bundleGzipKiB} KiB`,
    measured: `${fmt(input.bundleGzipKiB, 1)} KiB`,
    met: input.bundleGzipKiB <= limits.bundleGzipKiB,
  });

  const pgStarts = input.startup.filter((s) => s.database === "postgres");
  const startGoal = `≤ ${limits.startToReadyMs} ms on PostgreSQL`;
  targets.push(
    pgStarts.length
      ? {
          name: "Service start-to-ready (median)",
          goal: startGoal,
          measured: pgStarts.map((s) => `${s.service} ${fmt(s.medianMs)} ms`).join(", "),
          met: pgStarts.every((s) => s.medianMs <= limits.startToReadyMs),
        }
      : notMeasured("Service start-to-ready (median)", startGoal, "PostgreSQL not run"),
  );

  // Judged on PostgreSQL (PGlite carries a whole database in the process); the
  // larger data set when both ran.
  const rssDb: DatabaseKind = input.memory.some((m) => m.database === "postgres") ? "postgres" : "pglite";
  const rss = input.memory.filter((m) => m.database === rssDb && (m.process === "order" || m.process === "user") && m.dataSet === headline.dataSet);
  const rssGoal = `≤ ${limits.idleRssMB} MB per service`;
  targets.push(
    rss.length
      ? {
          name: "Idle RSS per service",
          goal: rssGoal,
          measured: `${rss.map((m) => `${m.process} ${fmt(m.idleRssMB)} MB`).join(", ")} (${dbName[rssDb]})`,
          met: rss.every((m) => m.idleRssMB <= limits.idleRssMB),
        }
      : notMeasured("Idle RSS per service", rssGoal, "no stack ran"),
  );

  const list = input.internalRpcs.find((r) => r.scenario === "listUsers");
  const rpcGoal = `exactly ${limits.listUsersRpcs}`;
  targets.push(
    list
      ? { name: "Internal RPCs, GET /api/users?page_size=50", goal: rpcGoal, measured: `${list.count} (${list.rpcs.join(", ")})`, met: list.count === limits.listUsersRpcs }
      : notMeasured("Internal RPCs, GET /api/users?page_size=50", rpcGoal, "listUsers not run"),
  );

  for (const scenario of ["getUser", "listUsers"] as const) {
    const name = `p50 large ÷ small set, ${requestLabel[scenario]}`;
    const goal = `≤ ${limits.largeToSmallP50}×`;
    const at = { scenario, database: headline.database, path: "gateway" } as const;
    const large = findSummary(summaries, { ...at, dataSet: "large" });
    const small = findSummary(summaries, { ...at, dataSet: "small" });
    if (!large || !small || small.latencyMs.p50 === 0) {
      targets.push(notMeasured(name, goal, "needs both data sets"));
      continue;
    }
    const r = large.latencyMs.p50 / small.latencyMs.p50;
    // A page of 50 holds all 10 users of the small set but 50 of the large one.
    const page = scenario === "listUsers" && input.smallSetUsers !== undefined && input.smallSetUsers < 50
      ? `; the large set's page has ${fmt(50 / input.smallSetUsers, 0)}× the users and orders of the small set's`
      : "";
    targets.push({
      name,
      goal,
      measured: `${ratio(r)} (${fmt(large.latencyMs.p50, 2)} vs ${fmt(small.latencyMs.p50, 2)} ms, gateway, ${dbName[headline.database]}${page})`,
      met: r <= limits.largeToSmallP50,
    });
  }

  for (const t of peerTargets) {
    const ratios = input[t.key];
    if (!ratios) continue; // a run from before the peer existed
    for (const scenario of ["getUser", "listUsers", "createOrder"] as const) {
      const name = `${t.name}, ${requestLabel[scenario]}`;
      const goal = `${t.at} ${fmt(t.limit, 1)}×`;
      const r = ratios[scenario];
      if (r === undefined || Number.isNaN(r)) {
        targets.push(notMeasured(name, goal, `${scenario} not run through both`));
        continue;
      }
      targets.push({ name, goal, measured: `${ratio(r)} (${where})`, met: t.at === "≤" ? r <= t.limit : r >= t.limit });
    }
  }
  const floor = input.gatewayFloor;
  if (floor?.healthzVsConstant !== undefined) {
    const name = "Gateway GET /healthz ÷ a constant Worker, workerd process CPU";
    const goal = `≤ ${fmt(limits.healthzVsConstant, 1)}×`;
    targets.push(
      floor.healthzVsConstant === null || floor.constantWorkerCpuUsPerRequest === undefined
        ? notMeasured(name, goal, "no constant-Worker run")
        : {
            name,
            goal,
            measured: `${ratio(floor.healthzVsConstant)} (${fmt(floor.workerdCpuUsPerRequest)} vs ${fmt(floor.constantWorkerCpuUsPerRequest)} µs)`,
            met: floor.healthzVsConstant <= limits.healthzVsConstant,
          },
    );
  }
  const cache = input.edgeCache;
  if (cache !== undefined) {
    for (const [which, label, r] of [
      ["hit", "an edge-cache hit", cache.hitVsPeerUncached],
      ["notModified", "a 304 (If-None-Match, from the edge cache)", cache.notModifiedVsPeerUncached],
    ] as const) {
      const name = `Gateway workerd process CPU of ${label} ÷ the peer's uncached ${requestLabel.getUser}`;
      const goal = `≤ ${fmt(limits.edgeCacheVsPeerUncached, 1)}×`;
      targets.push(
        r === undefined || r === null || cache.peerUncachedCpuUsPerRequest === undefined
          ? notMeasured(name, goal, "no peer getUser run")
          : { name, goal, measured: `${ratio(r)} (${fmt(cache[which].workerdCpuUsPerRequest)} vs ${fmt(cache.peerUncachedCpuUsPerRequest)} µs)`, met: r <= limits.edgeCacheVsPeerUncached },
      );
    }
  }
  return targets;
}
