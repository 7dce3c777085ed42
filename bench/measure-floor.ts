// The floor of a request through workerd: the gateway's own GET /healthz (no upstream
// call) against a Worker that returns a constant, and against the same constant sent with
// the headers /healthz sends, all in the same workerd process, interleaved, one of each per
// round; workerd process CPU per request, medians over rounds.
import { runLoad, type LoadSpec } from "./load-generator.ts";
import type { BenchOptions } from "./options.ts";
import type { PlainWorkerd } from "./plain-workerd.ts";
import { cpuBetween, cpuSnapshot, single } from "./process-stats.ts";
import { healthzHeaders } from "./workerd-config.ts";
import { median, type GatewayFloor } from "./results.ts";
import { floorRatio } from "./versus-peer.ts";

type FloorOptions = Pick<BenchOptions, "directFormat" | "durationSec" | "warmupSec" | "connections" | "threads" | "rounds">;

const round1 = (n: number) => Math.round(n * 10) / 10;

/** GET /healthz at `origin`: the gateway's own or the constant Worker's (which answers any path). */
function floorSpec(origin: string, options: FloorOptions): LoadSpec {
  return {
    origin,
    scenario: "healthz",
    path: "gateway",
    directFormat: options.directFormat,
    users: 1,
    items: 1,
    durationSec: options.durationSec,
    connections: options.connections,
    threads: options.threads,
  };
}

type Variant = "healthz" | "constant" | "constantWithHeaders";

const labels: Record<Variant, string> = { healthz: "gateway GET /healthz", constant: "constant Worker", constantWithHeaders: "constant Worker, /healthz's headers" };

/** The header names the gateway's /healthz answers with, against the floor worker's copy. */
async function checkHeaders(url: string): Promise<void> {
  const res = await fetch(`${url}/healthz`);
  await res.arrayBuffer();
  // Framing and date are workerd's own on both.
  const names = [...res.headers.keys()].filter((n) => n !== "content-length" && n !== "date").sort();
  const copied = healthzHeaders.map(([n]) => n.toLowerCase()).sort();
  if (names.join() !== copied.join()) throw new Error(`floor: /healthz answers with headers ${names.join(", ")}; the floor worker sends ${copied.join(", ")} (bench/workerd-config.ts)`);
}

export async function measureFloor(workerd: PlainWorkerd, options: FloorOptions, progress: (message: string) => void): Promise<GatewayFloor> {
  await checkHeaders(workerd.url);
  const runs: Record<Variant, { rps: number; p50Ms: number; cpu: number }[]> = { healthz: [], constant: [], constantWithHeaders: [] };
  const origins: Record<Variant, string> = { healthz: workerd.url, constant: workerd.constantUrl, constantWithHeaders: workerd.constantWithHeadersUrl };
  const process = single(workerd.pid);
  for (let round = 1; round <= options.rounds; round++) {
    for (const which of ["healthz", "constant", "constantWithHeaders"] as const) {
      const spec = floorSpec(origins[which], options);
      await runLoad({ ...spec, durationSec: options.warmupSec });
      const before = cpuSnapshot(process);
      const run = await runLoad(spec);
      const cpu = (cpuBetween(before, cpuSnapshot(process)) * 1000) / Math.max(1, run.requests);
      runs[which].push({ rps: run.rps, p50Ms: run.latencyMs.p50, cpu });
      progress(`floor r${round} ${labels[which]}: ${Math.round(run.rps)} req/s, workerd ${round1(cpu)} µs/req, errors ${run.errors.total}`);
    }
  }
  const mid = (which: Variant, key: "rps" | "p50Ms" | "cpu") => median(runs[which].map((r) => r[key]));
  return {
    rps: Math.round(mid("healthz", "rps")),
    p50Ms: mid("healthz", "p50Ms"),
    workerdCpuUsPerRequest: round1(mid("healthz", "cpu")),
    constantWorkerCpuUsPerRequest: round1(mid("constant", "cpu")),
    constantRps: Math.round(mid("constant", "rps")),
    healthzVsConstant: floorRatio(runs.healthz.map((r) => r.cpu), runs.constant.map((r) => r.cpu)),
    constantWithHeadersCpuUsPerRequest: round1(mid("constantWithHeaders", "cpu")),
    healthzVsConstantWithHeaders: floorRatio(runs.healthz.map((r) => r.cpu), runs.constantWithHeaders.map((r) => r.cpu)),
    headerCount: healthzHeaders.length,
    rounds: options.rounds,
  };
}
