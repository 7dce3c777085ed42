// The markdown report of a run: the load table, this gateway against the Express +
// grpc-js peer, the targets, and the rest (start-up, memory, bundle, internal RPCs).
import { machineLine } from "./machine-info.ts";
import { scenarioNames, type DatabaseKind } from "./options.ts";
import { directLabel, findSummary, requestLabel, type BenchResults, type Summary } from "./results.ts";
import type { Target } from "./targets.ts";

const dbName: Record<DatabaseKind, string> = { postgres: "PostgreSQL", pglite: "PGlite" };
const fmt = (n: number | undefined, digits = 0) =>
  n === undefined || Number.isNaN(n) ? "—" : n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (n: number) => fmt(n, n < 10 ? 2 : 1);

export function verdict(target: Target): string {
  return target.met === undefined ? "— not measured" : target.met ? "✅ met" : "❌ missed";
}

function table(header: readonly string[], rows: readonly (readonly string[])[], align?: readonly ("l" | "r")[]): string {
  const sep = header.map((_, i) => ((align?.[i] ?? "l") === "r" ? "---:" : "---"));
  return [header, sep, ...rows].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}

function versusDirect(s: Summary, all: readonly Summary[]): string {
  if (s.path === "direct") return "";
  const direct = findSummary(all, { ...s, path: "direct" });
  if (!direct || direct.rps === 0 || direct.latencyMs.p99 === 0) return "";
  return `${fmt(s.rps / direct.rps, 2)}× req/s, ${fmt(s.latencyMs.p99 / direct.latencyMs.p99, 2)}× p99`;
}

export function loadTable(summaries: readonly Summary[]): string {
  const rows = summaries.map((s) => {
    const cpu = s.cpuUsPerRequest;
    return [
      s.path === "direct" ? `\`${directLabel[s.scenario]}\`` : `\`${requestLabel[s.scenario]}\``,
      dbName[s.database],
      s.dataSet,
      s.path,
      s.rounds > 1 ? `${fmt(s.rps)} (${fmt(s.rpsMin)}–${fmt(s.rpsMax)})` : fmt(s.rps),
      ms(s.latencyMs.p50),
      ms(s.latencyMs.p90),
      ms(s.latencyMs.p99),
      fmt(s.errors),
      fmt(cpu.gateway ?? cpu.peer),
      fmt(cpu.user),
      fmt(cpu.order),
      fmt(cpu.db),
      fmt(cpu.total),
      versusDirect(s, summaries),
    ];
  });
  return table(
    ["Request", "DB", "Data", "Path", "req/s (range)", "p50 ms", "p90 ms", "p99 ms", "Errors", "CPU µs/req edge process", "user", "order", "PostgreSQL", "total", "÷ direct"],
    rows,
    ["l", "l", "l", "l", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "l"],
  );
}

/** This gateway ÷ the Express + grpc-js peer on the headline configuration (medians over rounds). */
export function peerTable(r: BenchResults): string | undefined {
  const rows = scenarioNames
    .filter((s) => r.throughputVsPeer?.[s] !== undefined)
    .map((s) => [
      `\`${requestLabel[s]}\``,
      `${fmt(r.gatewayCpuVsPeer?.[s], 2)}×`,
      `${fmt(r.servicesCpuVsPeer?.[s], 2)}×`,
      `${fmt(r.throughputVsPeer?.[s], 2)}×`,
      `${fmt(r.p99VsPeer?.[s], 2)}×`,
    ]);
  if (rows.length === 0) return undefined;
  return table(
    ["Request", "edge process CPU/req (workerd ÷ peer node)", "services + PostgreSQL CPU/req", "req/s", "p99"],
    rows,
    ["l", "r", "r", "r", "r"],
  );
}

export function targetsTable(targets: readonly Target[]): string {
  return table(
    ["Target", "Goal", "Measured", "Result"],
    targets.map((t) => [t.name, t.goal, t.measured, verdict(t)]),
  );
}

function startupAndMemoryTable(r: BenchResults): string {
  const rows: string[][] = [];
  const databases = [...new Set([...r.startup.map((s) => s.database), ...r.memory.map((m) => m.database)])];
  for (const database of databases) {
    for (const proc of ["order", "user", "gateway", "peer"] as const) {
      const start = proc === "gateway" || proc === "peer" ? undefined : r.startup.find((s) => s.service === proc && s.database === database);
      const mem = r.memory.filter((m) => m.process === proc && m.database === database);
      const label = { order: "order service", user: "user service", gateway: "gateway (workerd)", peer: "Express + grpc-js peer" }[proc];
      if (!start && mem.length === 0) continue;
      rows.push([
        label,
        dbName[database],
        start ? `${fmt(start.medianMs)} ms (${start.startsMs.map((x) => fmt(x)).join(", ")})` : "—",
        mem.map((m) => `${fmt(m.idleRssMB)} MB (${m.dataSet})`).join(", ") || "—",
        mem.map((m) => `${fmt(m.peakRssMB)} MB (${m.dataSet})`).join(", ") || "—",
      ]);
    }
  }
  return table(["Process", "DB", "Start-to-ready, median (each start)", "Idle RSS", "Peak RSS during the run"], rows);
}

function rpcTable(r: BenchResults): string {
  const peer = r.internalRpcs.some((x) => x.peerRpcs !== undefined);
  const same = (x: (typeof r.internalRpcs)[number]) => (x.peerRpcs === undefined ? "—" : x.peerRpcs.join(", ") === x.rpcs.join(", ") ? "the same" : x.peerRpcs.join(", ") || "none");
  return table(
    ["REST request", "Internal RPCs", "Which", ...(peer ? ["Through the peer"] : [])],
    r.internalRpcs.map((x) => [`\`${x.request}\``, String(x.count), x.rpcs.join(", "), ...(peer ? [same(x)] : [])]),
  );
}

/** How the run was made, in one paragraph. */
export function methodLine(r: BenchResults): string {
  const o = r.options as { connections?: number; threads?: number; warmupSec?: number; durationSec?: number; rounds?: number; directFormat?: string };
  const rounds = `${o.rounds} round${o.rounds === 1 ? "" : "s"}`;
  const direct = `*Direct*: a Connect unary call (${o.directFormat === "json" ? "JSON" : "binary protobuf"}) straight to the user service, the ceiling; `;
  // Schema 1 runs had the gateway in Miniflare and no peer.
  const paths =
    r.schema === 1
      ? `${rounds} with direct and gateway runs interleaved; figures are means over rounds. ${direct}` +
        `*gateway*: the REST request through the Worker in one workerd, which makes that same call. ` +
        `CPU µs/req: utime+stime of each process over the run ÷ requests (the stable number on a shared machine, and what Workers bill). `
      : `${rounds} with the paths interleaved; figures are means over rounds. ${direct}` +
        `*gateway*: the REST request through the Worker, the \`wrangler deploy --dry-run\` bundle in one plain \`workerd serve\`, which makes that same call; ` +
        `*peer*: the same REST request through an Express 4 + \`@grpc/grpc-js\` gateway (bench/peers/) that verifies the JWT, signs the same service token and sets the same 3 s deadline. ` +
        `CPU µs/req: utime+stime of each process over the run ÷ requests (the stable number on a shared machine, and what Workers bill); ` +
        `the edge process is workerd ("workerd process CPU") or the peer's node. `;
  return (
    `wrk, ${o.connections} connections, ${o.threads} threads, ${o.warmupSec} s warm-up (discarded) + ${o.durationSec} s measured per run, ` +
    paths +
    `Every tier, wrk and PostgreSQL share the same cores.`
  );
}

/** The full report: bench/results/<date>.md, and (without the heading) the README section. */
export function renderMarkdown(r: BenchResults, options: { chartPath?: string; heading?: boolean } = {}): string {
  const parts: string[] = [];
  if (options.heading !== false) parts.push(`# Benchmark ${r.date}${r.quick ? " (quick smoke run)" : ""}`);
  parts.push(`Measured ${machineLine(r.machine, r.date)}.`);
  parts.push(methodLine(r));
  if (options.chartPath) parts.push(`![Throughput and p99 latency per request and path](${options.chartPath})`);
  parts.push(loadTable(r.summaries));
  const peer = peerTable(r);
  if (peer) parts.push(`**This gateway ÷ the Express + grpc-js peer** (${dbName[r.headline.database]}, ${r.headline.dataSet} data set; median over rounds of each side, runs interleaved; below 1 is better except req/s):\n\n${peer}`);
  parts.push(`**Targets** (${dbName[r.headline.database]}, ${r.headline.dataSet} data set unless stated):\n\n${targetsTable(r.targets)}`);
  parts.push(`**Start-up and memory** (start-to-ready: spawn → first 200 from \`/readyz\`; idle RSS: after start, a few requests and 2 s idle):\n\n${startupAndMemoryTable(r)}`);
  const b = r.bundle;
  parts.push(
    `**Gateway bundle** (\`wrangler deploy --dry-run\`): ${fmt(b.wranglerKiB ?? b.rawKiB, 1)} KiB, ` +
      `${fmt(b.wranglerGzipKiB ?? b.gzipKiB, 1)} KiB gzipped as wrangler reports it (${fmt(b.gzipKiB, 1)} KiB at gzip -9).`,
  );
  if (r.gatewayFloor) {
    const f = r.gatewayFloor;
    parts.push(
      f.constantWorkerCpuUsPerRequest === undefined
        ? `**Gateway floor**: its own \`GET /healthz\` (no upstream call) runs at ${fmt(f.rps)} req/s, p50 ${ms(f.p50Ms)} ms, ` +
            `${fmt(f.workerdCpuUsPerRequest)} µs of workerd CPU per request (Miniflare: its entry worker and the [assets] router included).`
        : `**Gateway floor**: its own \`GET /healthz\` (no upstream call) costs ${fmt(f.workerdCpuUsPerRequest)} µs of workerd process CPU per request ` +
            `(${fmt(f.rps)} req/s, p50 ${ms(f.p50Ms)} ms); a Worker that returns a constant, in the same workerd process, ${fmt(f.constantWorkerCpuUsPerRequest)} µs ` +
            `(${fmt(f.constantRps)} req/s): ${fmt(f.healthzVsConstant ?? undefined, 2)}× (medians over ${f.rounds ?? 1} round${f.rounds === 1 ? "" : "s"}). ` +
            (f.constantWithHeadersCpuUsPerRequest === undefined
              ? `The difference is what the middleware chain costs before any work is done.`
              : `The same constant sent with the ${f.headerCount} headers /healthz sends (security headers, ETag, request id, Server-Timing) costs ` +
                `${fmt(f.constantWithHeadersCpuUsPerRequest)} µs; /healthz is ${fmt(f.healthzVsConstantWithHeaders ?? undefined, 2)}× that, ` +
                `which is what the middleware chain costs before any work is done.`),
    );
  }
  if (r.edgeCache) {
    const e = r.edgeCache;
    const versus = e.peerUncachedCpuUsPerRequest === undefined ? "" : `; the peer's uncached \`GET /api/users/{id}\` costs its process ${fmt(e.peerUncachedCpuUsPerRequest)} µs`;
    parts.push(
      `**Edge cache** (the gateway again in the same workerd with its edge cache on, the Cache API answered by a backend outside the process, as Cloudflare's cache is; ` +
        `one caller reading \`GET /api/users/1\`, medians over ${e.rounds} rounds): a hit costs ${fmt(e.hit.workerdCpuUsPerRequest)} µs of workerd process CPU per request ` +
        `(${fmt(e.hit.rps)} req/s, p50 ${ms(e.hit.p50Ms)} ms), a revalidation answered 304 ${fmt(e.notModified.workerdCpuUsPerRequest)} µs (${fmt(e.notModified.rps)} req/s)${versus}.`,
    );
  }
  if (r.internalRpcs.length) parts.push(`**Internal RPCs per REST request** (log lines with the request's \`x-request-id\`, both services):\n\n${rpcTable(r)}`);
  if (r.notes.length) parts.push(`**Notes**\n\n${r.notes.map((n) => `- ${n}`).join("\n")}`);
  return `${parts.join("\n\n")}\n`;
}
