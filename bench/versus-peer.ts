// This gateway against the Express + grpc-js peer (issue 11), from one run's rounds:
// each figure is the median over rounds of the gateway's value ÷ the median of the
// peer's, on one database and data set. The runs are interleaved, so both sides saw
// the same machine.
import type { DatabaseKind, DataSetName, ScenarioName } from "./options.ts";
import { median, type EdgeCacheCost, type RunResult } from "./results.ts";

export interface PeerComparison {
  /** workerd process CPU per request ÷ the peer node process's. */
  gatewayCpu: number;
  /** user + order service + PostgreSQL CPU per request through the gateway ÷ through the peer. */
  servicesCpu: number;
  /** req/s through the gateway ÷ through the peer. */
  throughput: number;
  /** p99 through the gateway ÷ through the peer. */
  p99: number;
  rounds: number;
}

/** CPU µs per request of the services and their databases (everything behind the edge process). */
export function servicesCpuOf(run: Pick<RunResult, "cpuUsPerRequest">): number {
  const c = run.cpuUsPerRequest;
  return c.user + c.order + (c.db ?? 0);
}

/** The edge process's CPU µs per request: workerd on the gateway path, node on the peer's. */
export function edgeCpuOf(run: Pick<RunResult, "cpuUsPerRequest" | "path">): number | undefined {
  return run.path === "gateway" ? run.cpuUsPerRequest.gateway : run.path === "peer" ? run.cpuUsPerRequest.peer : undefined;
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

function ratioOfMedians(a: readonly number[], b: readonly number[]): number {
  const denominator = median(b);
  return denominator > 0 ? round3(median(a) / denominator) : Number.NaN;
}

/** Per scenario that ran on both paths at `where`. */
export function compareWithPeer(runs: readonly RunResult[], where: { database: DatabaseKind; dataSet: DataSetName }): Partial<Record<ScenarioName, PeerComparison>> {
  const out: Partial<Record<ScenarioName, PeerComparison>> = {};
  const at = runs.filter((r) => r.database === where.database && r.dataSet === where.dataSet);
  for (const scenario of new Set(at.map((r) => r.scenario))) {
    const gateway = at.filter((r) => r.scenario === scenario && r.path === "gateway");
    const peer = at.filter((r) => r.scenario === scenario && r.path === "peer");
    if (gateway.length === 0 || peer.length === 0) continue;
    const edge = (rs: readonly RunResult[]) => rs.map((r) => edgeCpuOf(r) ?? Number.NaN);
    out[scenario] = {
      gatewayCpu: ratioOfMedians(edge(gateway), edge(peer)),
      servicesCpu: ratioOfMedians(gateway.map(servicesCpuOf), peer.map(servicesCpuOf)),
      throughput: ratioOfMedians(gateway.map((r) => r.rps), peer.map((r) => r.rps)),
      p99: ratioOfMedians(gateway.map((r) => r.latencyMs.p99), peer.map((r) => r.latencyMs.p99)),
      rounds: Math.min(gateway.length, peer.length),
    };
  }
  return out;
}

/** One ratio of every compared scenario, as the results JSON carries it ({ getUser: 1.9, … }). */
export function pickRatio(comparison: Partial<Record<ScenarioName, PeerComparison>>, key: Exclude<keyof PeerComparison, "rounds">): Partial<Record<ScenarioName, number>> {
  return Object.fromEntries(Object.entries(comparison).map(([scenario, c]) => [scenario, c[key]]));
}

/** The gateway's own /healthz ÷ the constant worker, workerd process CPU per request, medians over rounds. */
export function floorRatio(healthzCpu: readonly number[], constantCpu: readonly number[]): number | null {
  if (healthzCpu.length === 0 || constantCpu.length === 0) return null;
  const r = ratioOfMedians(healthzCpu, constantCpu);
  return Number.isNaN(r) ? null : r;
}

/** An edge-cache hit and a 304 against the peer's uncached GET /api/users/{id} at `where` (edge process CPU, medians over rounds). */
export function edgeCacheVersusPeer(cost: EdgeCacheCost, runs: readonly RunResult[], where: { database: DatabaseKind; dataSet: DataSetName }): EdgeCacheCost {
  const peer = runs.filter((r) => r.database === where.database && r.dataSet === where.dataSet && r.scenario === "getUser" && r.path === "peer").map((r) => edgeCpuOf(r) ?? Number.NaN);
  const peerUs = peer.length === 0 ? Number.NaN : median(peer);
  if (!(peerUs > 0)) return cost;
  const versus = (us: number) => round3(us / peerUs);
  return {
    ...cost,
    peerUncachedCpuUsPerRequest: Math.round(peerUs * 10) / 10,
    hitVsPeerUncached: versus(cost.hit.workerdCpuUsPerRequest),
    notModifiedVsPeerUncached: versus(cost.notModified.workerdCpuUsPerRequest),
  };
}
