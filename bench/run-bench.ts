// `npm run bench`: the stack on a throwaway PostgreSQL cluster and on PGlite, with a
// small and a large data set, loaded with wrk directly (Connect), through the gateway
// (REST, the dry-run bundle in one plain workerd) and through the Express + grpc-js
// peer (bench/peers/), interleaved; the gateway's /healthz against a constant Worker
// in the same workerd; an edge-cache hit and a 304 (measure-edge-cache.ts); plus bundle size, start-to-ready, idle RSS and internal RPCs
// per request. Writes bench/results/<date>.{json,md,svg},
// updates the README's bench section and prints the table. See bench/README.md.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { findPostgresBin, startPostgresCluster, type PostgresCluster } from "@grpc-edge/service-kit/testing";
import { measureBundle } from "./bundle-size.ts";
import { startCacheBackend, type CacheBackend } from "./cache-backend.ts";
import { measureEdgeCache } from "./measure-edge-cache.ts";
import { measureFloor } from "./measure-floor.ts";
import { buildBundle, type BuiltBundle } from "./gateway-bundle.ts";
import { authorizationFor, runLoad, wrkAvailable, type LoadSpec } from "./load-generator.ts";
import { machineInfo } from "./machine-info.ts";
import { parseOptions, scenarioNames, usage, type BenchOptions, type DatabaseKind, type DataSetName, type PathName, type ScenarioName } from "./options.ts";
import { cpuBetween, cpuSnapshot, findPostmaster, readMemory, single, withChildren, type ProcessGroup } from "./process-stats.ts";
import { renderMarkdown } from "./report-markdown.ts";
import { benchSectionBody, replaceBenchSection } from "./readme-section.ts";
import { renderChart } from "./render-chart.ts";
import { chartOptions } from "./render-results.ts";
import { median, requestLabel, summarize, type BenchResults, type CpuPerRequest, type MemoryResult, type RpcCountResult, type RunResult, type StartupResult } from "./results.ts";
import { internalRpcsOf } from "./rpc-count.ts";
import { benchTempDir, dataSet, seedPGlite, seedPostgres, type DatabaseLocation, type DataSet } from "./seed-data.ts";
import { buildServices } from "./service-command.ts";
import { startServiceProcess, startStack, type Stack } from "./start-stack.ts";
import { evaluateTargets, gatewayToDirect, pickHeadline } from "./targets.ts";
import { compareWithPeer, edgeCacheVersusPeer, edgeCpuOf, pickRatio } from "./versus-peer.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const t0 = performance.now();

function progress(message: string): void {
  const s = Math.round((performance.now() - t0) / 1000);
  process.stderr.write(`[bench ${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}] ${message}\n`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round1 = (n: number) => Math.round(n * 10) / 10;

interface StackEntry {
  database: DatabaseKind;
  set: DataSet;
  stack: Stack;
  /** The PostgreSQL server's processes (PostgreSQL only). */
  db?: ProcessGroup;
}

/** A request with a known x-request-id through the gateway (or the peer), one per scenario. */
async function restRequest(scenario: ScenarioName, gatewayUrl: string, requestId: string): Promise<Response> {
  const headers = { "x-request-id": requestId, authorization: await authorizationFor("gateway") };
  switch (scenario) {
    case "getUser":
      return fetch(`${gatewayUrl}/api/users/1`, { headers });
    case "listUsers":
      return fetch(`${gatewayUrl}/api/users?page_size=50`, { headers });
    case "createOrder":
      return fetch(`${gatewayUrl}/api/users/1/orders`, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify({ itemId: 1, amount: 1 }),
      });
  }
}

/** The direct Connect call of a scenario, with JSON (for checks; wrk sends the load). */
async function directRequest(scenario: ScenarioName, userUrl: string): Promise<Response> {
  const authorization = await authorizationFor("direct");
  const call = (method: string, body: object) =>
    fetch(`${userUrl}/${method}`, {
      method: "POST",
      headers: { "content-type": "application/json", "connect-protocol-version": "1", authorization },
      body: JSON.stringify(body),
    });
  switch (scenario) {
    case "getUser":
      return call("user.v1.UserService/GetUserById", { id: 1 });
    case "listUsers":
      return call("user.v1.UserService/GetAllUsers", { pageSize: 50 });
    case "createOrder":
      return call("orders.v1.OrderService/CreateOrder", { userId: 1, itemId: 1, amount: 1 });
  }
}

async function expectOk(what: string, res: Promise<Response>): Promise<void> {
  const r = await res;
  const body = await r.text();
  if (r.status !== 200) throw new Error(`${what}: HTTP ${r.status} ${body.slice(0, 300)}`);
}

async function measureStartup(options: BenchOptions, database: DatabaseKind, locations: { order: DatabaseLocation; user: DatabaseLocation }, logDir: string): Promise<StartupResult[]> {
  const out: StartupResult[] = [];
  for (const service of ["order", "user"] as const) {
    const startsMs: number[] = [];
    for (let i = 0; i < options.starts; i++) {
      const proc = await startServiceProcess({
        service,
        database: locations[service],
        logFile: join(logDir, `startup-${database}-${service}.log`),
        // Readiness does not call the order service; the user service connects to it lazily.
        orderServiceUrl: service === "user" ? "http://127.0.0.1:9" : undefined,
        extraEnv: options.serviceEnv,
      });
      startsMs.push(round1(proc.startToReadyMs));
      await proc.stop();
    }
    out.push({ service, database, startsMs, medianMs: round1(median(startsMs)) });
    progress(`start-to-ready ${service} on ${database}: median ${round1(median(startsMs))} ms (${startsMs.join(", ")})`);
  }
  return out;
}

async function measureRun(
  entry: StackEntry,
  spec: Omit<LoadSpec, "origin" | "users" | "items"> & { scenario: ScenarioName },
  options: BenchOptions,
  round: number,
): Promise<RunResult> {
  const { stack, set } = entry;
  const origin = { direct: stack.user.url, gateway: stack.gateway.url, peer: stack.peer.url }[spec.path];
  const full: LoadSpec = { ...spec, origin, users: set.users, items: set.items };
  await runLoad({ ...full, durationSec: options.warmupSec });
  const groups: Record<string, ProcessGroup> = { user: single(stack.user.pid), order: single(stack.order.pid) };
  if (spec.path === "gateway") groups.gateway = single(stack.gateway.pid);
  if (spec.path === "peer") groups.peer = single(stack.peer.pid);
  if (entry.db) groups.db = entry.db;
  const before = Object.fromEntries(Object.entries(groups).map(([k, g]) => [k, cpuSnapshot(g)]));
  const result = await runLoad(full);
  const after = Object.fromEntries(Object.entries(groups).map(([k, g]) => [k, cpuSnapshot(g)]));
  const per = (k: string) => (groups[k] ? round1((cpuBetween(before[k]!, after[k]!) * 1000) / Math.max(1, result.requests)) : undefined);
  const cpu: CpuPerRequest = { user: per("user")!, order: per("order")!, total: 0 };
  if (groups.gateway) cpu.gateway = per("gateway");
  if (groups.peer) cpu.peer = per("peer");
  if (groups.db) cpu.db = per("db");
  cpu.total = round1((cpu.gateway ?? 0) + (cpu.peer ?? 0) + cpu.user + cpu.order + (cpu.db ?? 0));
  return { scenario: spec.scenario, database: entry.database, dataSet: set.name, path: spec.path, round, ...result, cpuUsPerRequest: cpu };
}

async function main(): Promise<void> {
  let options: BenchOptions | "help";
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${usage}`);
    process.exit(2);
  }
  if (options === "help") {
    process.stdout.write(usage);
    return;
  }
  if (!wrkAvailable()) {
    process.stderr.write("bench: wrk not found. Install it (Debian/Ubuntu: apt-get install wrk; macOS: brew install wrk) and run again.\n");
    process.exit(1);
  }
  if (options.databases.includes("postgres") && !findPostgresBin()) {
    process.stderr.write("bench: PostgreSQL server binaries (initdb, pg_ctl) not found: install PostgreSQL, set PG_BIN, or pass --databases pglite.\n");
    process.exit(1);
  }
  const opts = options;
  const startedAt = new Date();
  const date = startedAt.toISOString().slice(0, 10);
  const machine = machineInfo();
  progress(`${machine.cpuModel}, ${machine.cores} cores; load average ${machine.loadAverage.join(" / ")}`);
  const temp = benchTempDir();
  const logDir = join(temp, "logs");
  mkdirSync(logDir);
  const notes: string[] = [];
  const stacks: StackEntry[] = [];
  let cluster: PostgresCluster | undefined;
  let gatewayBundle: BuiltBundle | undefined;
  let cacheBackend: CacheBackend | undefined;
  let failed = false;

  const cleanup = async () => {
    for (const s of stacks.splice(0)) await s.stack.stop().catch(() => {});
    await cluster?.stop().catch(() => {});
    cluster = undefined;
    await cacheBackend?.stop();
    cacheBackend = undefined;
    gatewayBundle?.remove();
  };
  process.once("SIGINT", () => {
    progress("interrupted; stopping everything");
    void cleanup().finally(() => process.exit(130));
  });

  let results: BenchResults;
  try {
    // Built while nothing else runs, so wrangler's own CPU does not disturb anything.
    progress("gateway bundle (wrangler deploy --dry-run)");
    const bundle = await measureBundle();
    progress(`bundle ${bundle.rawKiB} KiB, ${bundle.wranglerGzipKiB ?? bundle.gzipKiB} KiB gzipped`);
    // The same build again, kept on disk: every stack's plain workerd embeds it.
    gatewayBundle = await buildBundle(join(root, "wrangler.toml"));
    notes.push(
      "The gateway is the `wrangler deploy --dry-run` bundle in one plain `workerd serve` (config generated from wrangler.toml: " +
        "compatibility date and flags, [vars], the secrets as environment bindings; no rate-limit binding, no cache backend, edge cache off; " +
        "[assets] left out: Cloudflare serves assets before the Worker and does not bill it, and no API route reaches them). " +
        "Its CPU is the workerd process's.",
    );
    // The services run as their images run them: the esbuild bundle, with the Dockerfile's CMD.
    progress("service bundles (npm run build, as the images' build stage does)");
    buildServices();
    notes.push("Services run as their images run them: the Dockerfile's CMD on the esbuild bundle (`services/<svc>/dist/main.js`).");

    if (opts.databases.includes("postgres")) {
      progress("throwaway PostgreSQL cluster");
      cluster = await startPostgresCluster();
    }
    const locations = new Map<string, { order: DatabaseLocation; user: DatabaseLocation }>();
    for (const database of opts.databases) {
      for (const name of opts.dataSets) {
        const set = dataSet(name, { users: opts.largeUsers, orders: opts.largeOrders });
        progress(`seeding ${database} ${name}: ${set.users} users, ${set.orders} orders`);
        const seed = (service: "order" | "user") =>
          database === "postgres" ? seedPostgres(cluster!.createDatabase, service, set, "load") : seedPGlite(temp, service, set);
        locations.set(`${database}|${name}`, { order: await seed("order"), user: await seed("user") });
      }
    }

    // Start-to-ready on databases of their own (the smallest set), before any stack runs.
    const startup: StartupResult[] = [];
    for (const database of opts.databases) {
      const set = dataSet("small", { users: opts.largeUsers, orders: opts.largeOrders });
      const seed = (service: "order" | "user") =>
        database === "postgres" ? seedPostgres(cluster!.createDatabase, service, set, "startup") : seedPGlite(temp, service, set);
      startup.push(...(await measureStartup(opts, database, { order: await seed("order"), user: await seed("user") }, logDir)));
    }

    // The headline stack's workerd also runs the gateway with its edge cache on (measure-edge-cache.ts).
    const headline = pickHeadline(opts.databases, opts.dataSets);
    cacheBackend = await startCacheBackend();
    const edgeCacheOn = { backend: cacheBackend.address, ttlSeconds: 3_600 };
    const postmaster = cluster ? findPostmaster(Number(new URL(cluster.url).port)) : undefined;
    if (cluster && postmaster === undefined) notes.push("PostgreSQL's postmaster was not found: its CPU is not counted.");
    for (const database of opts.databases) {
      for (const name of opts.dataSets) {
        const set = dataSet(name, { users: opts.largeUsers, orders: opts.largeOrders });
        progress(`starting the stack on ${database}, ${name} set`);
        const loc = locations.get(`${database}|${name}`)!;
        const prof = (service: string) => (opts.cpuProfDir ? ["--cpu-prof", `--cpu-prof-dir=${resolve(opts.cpuProfDir, `${database}-${name}-${service}`)}`] : []);
        const stack = await startStack({ ...loc, bundle: gatewayBundle, logDir, tag: `${database}-${name}`, userNodeArgs: prof("user"), orderNodeArgs: prof("order"), extraEnv: opts.serviceEnv, edgeCache: database === headline.database && name === headline.dataSet ? edgeCacheOn : undefined });
        stacks.push({ database, set, stack, ...(database === "postgres" && postmaster !== undefined ? { db: withChildren(postmaster) } : {}) });
      }
    }

    // Every path answers, then idle memory: after start, a few requests and 2 s idle.
    for (const { stack } of stacks) {
      for (let i = 0; i < 10; i++) {
        for (const scenario of ["getUser", "listUsers"] as const) {
          await expectOk(`gateway ${scenario}`, restRequest(scenario, stack.gateway.url, `bench-check-${i}`));
          await expectOk(`peer ${scenario}`, restRequest(scenario, stack.peer.url, `bench-check-peer-${i}`));
          await expectOk(`direct ${scenario}`, directRequest(scenario, stack.user.url));
        }
      }
    }
    await sleep(2_000);
    const memory: MemoryResult[] = [];
    for (const { database, set, stack } of stacks) {
      for (const [process, pid] of [["order", stack.order.pid], ["user", stack.user.pid], ["gateway", stack.gateway.pid], ["peer", stack.peer.pid]] as const) {
        const mem = readMemory(pid);
        if (mem) memory.push({ process, database, dataSet: set.name, idleRssMB: round1(mem.rssMiB * 1.048576) });
      }
    }

    // Internal RPCs per REST request, on the headline stack.
    const counted = stacks.find((s) => s.database === headline.database && s.set.name === headline.dataSet)!;
    const internalRpcs: RpcCountResult[] = [];
    for (const scenario of scenarioNames.filter((s) => opts.scenarios.includes(s))) {
      const requestId = `bench-rpc-${scenario}-${Date.now()}`;
      const logs = [counted.stack.user.logFile, counted.stack.order.logFile];
      const label = (rpcs: { service: string; rpc: string }[]) => rpcs.map((r) => `${r.service}: ${r.rpc.split(".").at(-1)}`);
      const { status, rpcs } = await internalRpcsOf((id) => restRequest(scenario, counted.stack.gateway.url, id), logs, requestId);
      // The peer must cause the same calls, or the services' CPU is not comparable.
      const peer = await internalRpcsOf((id) => restRequest(scenario, counted.stack.peer.url, id), logs, `${requestId}-peer`);
      internalRpcs.push({ scenario, request: requestLabel[scenario], status, count: rpcs.length, rpcs: label(rpcs), peerStatus: peer.status, peerRpcs: label(peer.rpcs) });
      progress(`${requestLabel[scenario]} → ${status}, ${rpcs.length} internal RPCs; through the peer → ${peer.status}, ${peer.rpcs.length}`);
      if (label(peer.rpcs).join() !== label(rpcs).join()) {
        notes.push(`${requestLabel[scenario]}: the peer caused other internal RPCs (${label(peer.rpcs).join(", ") || "none"}) than the gateway (${label(rpcs).join(", ")}); the services' CPU is not like for like.`);
      }
    }

    // The floor: the gateway's own /healthz against the constant Worker, same workerd.
    const gatewayFloor = await measureFloor(counted.stack.gateway, opts, progress);
    // Reads the edge cache answers: a hit and a 304, in the same workerd.
    const edgeCacheCost = await measureEdgeCache(counted.stack.gateway, cacheBackend, opts, progress);

    // The load: per scenario (writes last, so reads see the seeded data), rounds of
    // every database × data set × path, direct and gateway back to back (A B A B).
    const runs: RunResult[] = [];
    const scenarios = scenarioNames.filter((s) => opts.scenarios.includes(s));
    const total = scenarios.length * opts.rounds * stacks.length * 3;
    for (const scenario of scenarios) {
      for (let round = 1; round <= opts.rounds; round++) {
        for (const entry of stacks) {
          for (const path of ["direct", "gateway", "peer"] as PathName[]) {
            const run = await measureRun(
              entry,
              { scenario, path, directFormat: opts.directFormat, durationSec: opts.durationSec, connections: opts.connections, threads: opts.threads },
              opts,
              round,
            );
            runs.push(run);
            const cpu = run.cpuUsPerRequest;
            progress(
              `${runs.length}/${total} ${scenario} ${entry.database} ${entry.set.name} ${path} r${round}: ${Math.round(run.rps)} req/s, ` +
                `p50 ${run.latencyMs.p50} p99 ${run.latencyMs.p99} ms, errors ${run.errors.total}, CPU µs/req ` +
                `${edgeCpuOf(run) ?? "-"}/${cpu.user}/${cpu.order}/${cpu.db ?? "-"} = ${cpu.total}`,
            );
          }
        }
      }
    }

    for (const m of memory) {
      const s = stacks.find((e) => e.database === m.database && e.set.name === m.dataSet)!;
      const pid = s.stack[m.process].pid;
      const mem = readMemory(pid);
      if (mem) m.peakRssMB = round1(mem.peakRssMiB * 1.048576);
    }
    for (const { database, set, stack } of stacks) {
      const problems = stack.gateway.problems();
      if (problems.length) notes.push(`gateway (${database}, ${set.name}) logged ${problems.length >= 100 ? "100 or more" : problems.length} warnings/errors, first: ${problems[0]!.slice(0, 200)}`);
    }

    const summaries = summarize(runs);
    const bundleGzipKiB = bundle.wranglerGzipKiB ?? bundle.gzipKiB;
    const smallSetUsers = dataSet("small", { users: opts.largeUsers, orders: opts.largeOrders }).users;
    const versusPeer = compareWithPeer(runs, headline);
    const peerRatios = {
      gatewayCpuVsPeer: pickRatio(versusPeer, "gatewayCpu"),
      servicesCpuVsPeer: pickRatio(versusPeer, "servicesCpu"),
      throughputVsPeer: pickRatio(versusPeer, "throughput"),
      p99VsPeer: pickRatio(versusPeer, "p99"),
    };
    const edgeCache = edgeCacheVersusPeer(edgeCacheCost, runs, headline);
    const targets = evaluateTargets({ summaries, headline, bundleGzipKiB, startup, memory, internalRpcs, smallSetUsers, ...peerRatios, gatewayFloor, edgeCache });
    const ratio = gatewayToDirect(summaries, headline);
    results = {
      schema: 2,
      date,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      quick: opts.quick,
      options: { ...opts, outDir: undefined, cpuProfDir: undefined, updateReadme: undefined },
      machine,
      gatewayToDirectThroughput: ratio ? Math.round(ratio.ratio * 1000) / 1000 : null,
      ...peerRatios,
      bundleGzipKiB,
      bundle,
      gatewayFloor,
      edgeCache,
      headline,
      startup,
      memory,
      internalRpcs,
      summaries,
      targets,
      runs,
      notes,
    };
  } catch (error) {
    failed = true;
    process.stderr.write(`bench failed: ${(error as Error).stack ?? error}\nlogs kept in ${logDir}\n`);
    throw error;
  } finally {
    progress("stopping");
    await cleanup();
    if (!failed) rmSync(temp, { recursive: true, force: true });
  }

  // Output files.
  const outDir = resolve(root, opts.outDir);
  mkdirSync(outDir, { recursive: true });
  const base = `${date}${opts.quick ? "-quick" : ""}`;
  const files = { json: join(outDir, `${base}.json`), md: join(outDir, `${base}.md`), svg: join(outDir, `${base}.svg`) };
  writeFileSync(files.json, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(
    files.svg,
    renderChart(results.summaries, chartOptions(results)),
  );
  writeFileSync(files.md, renderMarkdown(results, { chartPath: `./${base}.svg` }));
  if (opts.updateReadme) {
    const readmePath = join(root, "README.md");
    const rel = (f: string) => relative(root, f);
    const body = benchSectionBody(results, { json: rel(files.json), md: rel(files.md), svg: rel(files.svg) });
    writeFileSync(readmePath, replaceBenchSection(readFileSync(readmePath, "utf8"), body));
  }
  process.stdout.write(`\n${renderMarkdown(results)}\n`);
  progress(`wrote ${Object.values(files).map((f) => relative(root, f)).join(", ")}${opts.updateReadme ? " and README.md" : ""}`);
}

await main();
