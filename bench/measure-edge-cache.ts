// What a read answered by the edge cache costs: GET /api/users/1 through the gateway with
// its edge cache on (the third worker of the plain workerd, its Cache API backend outside
// the process, as Cloudflare's cache is), once as a hit with a body and once revalidated
// (If-None-Match → 304), interleaved, one pair per round; workerd process CPU per request,
// medians over rounds. The issue compares both with the peer's uncached request.
import type { CacheBackend } from "./cache-backend.ts";
import { authorizationFor, runLoad, type LoadSpec } from "./load-generator.ts";
import type { BenchOptions } from "./options.ts";
import type { PlainWorkerd } from "./plain-workerd.ts";
import { cpuBetween, cpuSnapshot, single } from "./process-stats.ts";
import { median, type EdgeCacheCost, type EdgeCacheRun } from "./results.ts";

type EdgeCacheOptions = Pick<BenchOptions, "directFormat" | "durationSec" | "warmupSec" | "connections" | "threads" | "rounds">;

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Fills the entry of GET /api/users/1 for the bench's caller and returns its ETag; throws unless the next read is a hit. */
async function primeEntry(url: string): Promise<string> {
  const read = async () => fetch(`${url}/api/users/1`, { headers: { authorization: await authorizationFor("gateway") } });
  const first = await read();
  await first.arrayBuffer();
  const second = await read();
  const etag = second.headers.get("etag");
  await second.arrayBuffer();
  if (second.status !== 200 || second.headers.get("x-edge-cache") !== "HIT" || etag === null) {
    throw new Error(`edge cache: the second read was ${second.status}, X-Edge-Cache ${second.headers.get("x-edge-cache")}, ETag ${etag}; expected a 200 HIT with an ETag`);
  }
  const revalidated = await fetch(`${url}/api/users/1`, { headers: { authorization: await authorizationFor("gateway"), "if-none-match": etag } });
  await revalidated.arrayBuffer();
  if (revalidated.status !== 304) throw new Error(`edge cache: If-None-Match of the stored ETag got ${revalidated.status}, expected 304`);
  return etag;
}

export async function measureEdgeCache(workerd: PlainWorkerd, backend: CacheBackend, options: EdgeCacheOptions, progress: (message: string) => void): Promise<EdgeCacheCost> {
  if (workerd.cachedUrl === undefined) throw new Error("edge cache: this workerd runs no cached gateway");
  const etag = await primeEntry(workerd.cachedUrl);
  // One user, so every request reads the primed entry.
  const spec: LoadSpec = { origin: workerd.cachedUrl, scenario: "getUser", path: "gateway", directFormat: options.directFormat, users: 1, items: 1, durationSec: options.durationSec, connections: options.connections, threads: options.threads };
  const runs: Record<"hit" | "notModified", EdgeCacheRun[]> = { hit: [], notModified: [] };
  const process = single(workerd.pid);
  for (let round = 1; round <= options.rounds; round++) {
    for (const which of ["hit", "notModified"] as const) {
      const load = which === "hit" ? spec : { ...spec, ifNoneMatch: etag };
      await runLoad({ ...load, durationSec: options.warmupSec });
      const hitsBefore = backend.stats().hits;
      const before = cpuSnapshot(process);
      const run = await runLoad(load);
      const cpu = (cpuBetween(before, cpuSnapshot(process)) * 1000) / Math.max(1, run.requests);
      // Every answer came from the cache: no upstream call was measured.
      const hits = backend.stats().hits - hitsBefore;
      if (run.errors.total > 0 || hits < run.requests) throw new Error(`edge cache ${which} r${round}: ${run.errors.total} errors, ${hits} cache hits for ${run.requests} requests`);
      runs[which].push({ rps: Math.round(run.rps), p50Ms: run.latencyMs.p50, workerdCpuUsPerRequest: round1(cpu) });
      progress(`edge cache r${round} ${which === "hit" ? "hit (200)" : "revalidated (304)"}: ${Math.round(run.rps)} req/s, workerd ${round1(cpu)} µs/req`);
    }
  }
  const mid = (which: "hit" | "notModified"): EdgeCacheRun => ({
    rps: Math.round(median(runs[which].map((r) => r.rps))),
    p50Ms: median(runs[which].map((r) => r.p50Ms)),
    workerdCpuUsPerRequest: round1(median(runs[which].map((r) => r.workerdCpuUsPerRequest))),
  });
  return { hit: mid("hit"), notModified: mid("notModified"), rounds: options.rounds };
}
