// The gateway's own cost per request, without sockets or scheduling noise: each
// checkout's gateway (workers/gateway/src/index.ts, bundled and minified as wrangler
// does) runs in its own plain `workerd serve` (plain-workerd.ts, config from that
// checkout's wrangler.toml) behind chain-cost-driver.ts, which sends n requests through
// the gateway's fetch handler with upstream fetch() answered from memory. workerd
// process CPU over the batch ÷ n, batches alternating between checkouts.
//   node bench/chain-cost.ts [checkout …] [--scenario getUser,listUsers,createOrder,healthz] [--requests 3000] [--rounds 5]
//   node bench/chain-cost.ts [checkout] --profile getUser [--top 40]   # V8 profile of one batch, source-mapped
// Without a checkout: this one. The end-user token is an admin's (as in the main bench).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { freePort } from "@grpc-edge/service-kit/testing";
import { analyze, sourceMapped, type CpuProfile, type Hotspot } from "./analyze-profile.ts";
import { cdp } from "./inspector-session.ts";
import { authorizationFor } from "./load-generator.ts";
import { startPlainWorkerd, type PlainWorkerd } from "./plain-workerd.ts";
import { cpuBetween, cpuSnapshot, single } from "./process-stats.ts";
import { median } from "./results.ts";
import { edgeSecrets } from "./start-stack.ts";
import type { WranglerSettings } from "./workerd-config.ts";

const here = fileURLToPath(new URL(".", import.meta.url));
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    scenario: { type: "string", default: "getUser,listUsers,createOrder,healthz" },
    requests: { type: "string", default: "3000" },
    rounds: { type: "string", default: "5" },
    profile: { type: "string" },
    top: { type: "string", default: "40" },
  },
});
const checkouts = (positionals.length > 0 ? positionals : [join(here, "..")]).map((dir) => resolve(dir));
const scenarios = values.scenario.split(",");
const requests = Number(values.requests);
const settleMs = 3_500;

async function wranglerSettings(checkout: string): Promise<WranglerSettings> {
  const requireThere = createRequire(join(checkout, "package.json"));
  const { unstable_readConfig } = (await import(pathToFileURL(requireThere.resolve("wrangler")).href)) as {
    unstable_readConfig(args: { config: string }): { compatibility_date?: string; compatibility_flags?: string[]; vars: Record<string, unknown> };
  };
  const config = unstable_readConfig({ config: join(checkout, "wrangler.toml") });
  return { compatibility_date: config.compatibility_date, compatibility_flags: config.compatibility_flags, vars: config.vars };
}

/** The driver and the checkout's gateway in one minified ES module, as wrangler bundles a Worker. */
async function bundle(checkout: string, dir: string): Promise<void> {
  await build({
    entryPoints: [join(here, "chain-cost-driver.ts")],
    bundle: true,
    minify: true,
    format: "esm",
    target: "es2022",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    outfile: join(dir, "index.js"),
    sourcemap: "external",
    logLevel: "error",
    plugins: [
      {
        name: "gateway-of-checkout",
        setup(b) {
          b.onResolve({ filter: /^chain-cost:gateway$/ }, () => ({ path: join(checkout, "workers/gateway/src/index.ts") }));
        },
      },
    ],
  });
}

async function start(checkout: string, label: string, inspectorPort?: number): Promise<{ workerd: PlainWorkerd; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), "grpc-edge-chain-cost-"));
  await bundle(checkout, dir);
  const { secrets, vars } = edgeSecrets();
  const workerd = await startPlainWorkerd(
    { dir, code: "", sourceMap: "", compatibilityDate: "", files: ["index.js"], mainModule: "index.js", wrangler: await wranglerSettings(checkout), remove() {} },
    // The URLs only have to parse: every upstream answer comes from the driver's memory.
    { vars: { ...vars, USER_SERVICE_URL: "http://127.0.0.1:9", ORDER_SERVICE_URL: "http://127.0.0.1:9", EDGE_CACHE_TTL_SECONDS: "0" }, secrets, logFile: join(dir, "workerd.log"), configName: `chain-cost-${label}.capnp`, ...(inspectorPort === undefined ? {} : { inspectorPort }) },
  );
  return { workerd, dir };
}

async function batch(workerd: PlainWorkerd, scenario: string, n: number, authorization: string): Promise<{ cpuUs: number; summary: string }> {
  const before = cpuSnapshot(single(workerd.pid));
  // Waits past the gateway's upstream deadline (UPSTREAM_TIMEOUT_MS) so timers a request leaves behind fire inside the measured batch.
  const res = await fetch(`${workerd.url}/run?scenario=${scenario}&n=${n}&settleMs=${settleMs}`, { headers: { authorization } });
  const text = await res.text();
  const cpuUs = (cpuBetween(before, cpuSnapshot(single(workerd.pid))) * 1000) / n;
  if (res.status !== 200) throw new Error(`driver answered ${res.status}: ${text}`);
  const { statuses, upstreamCalls, lastBody } = JSON.parse(text) as { statuses: Record<string, number>; upstreamCalls: number; lastBody: string };
  return { cpuUs, summary: `${JSON.stringify(statuses)} upstream ${upstreamCalls}, last body ${lastBody.length} B` };
}

/** One batch under V8's sampling profiler, summarised by source function. */
async function profileBatch(scenario: string): Promise<void> {
  const inspectorPort = await freePort();
  const { workerd, dir } = await start(checkouts[0]!, "profile", inspectorPort);
  try {
    const authorization = await authorizationFor("gateway");
    await batch(workerd, scenario, requests, authorization);
    const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as { id: string; webSocketDebuggerUrl: string }[];
    const target = targets.find((t) => t.id.includes("gateway")) ?? targets[0]!;
    const session = await cdp(target.webSocketDebuggerUrl);
    await session.send("Profiler.enable");
    await session.send("Profiler.setSamplingInterval", { interval: 100 });
    await session.send("Profiler.start");
    const { cpuUs } = await batch(workerd, scenario, requests, authorization);
    const { profile } = await session.send<{ profile: CpuProfile }>("Profiler.stop");
    session.close();
    const summary = analyze(profile, sourceMapped("index.js", readFileSync(join(dir, "index.js.map"), "utf8")));
    const row = (h: Hotspot) => `${((h.selfMs * 1000) / requests).toFixed(1).padStart(7)} µs/req ${(h.share * 100).toFixed(1).padStart(5)}%  ${h.name}`;
    const top = Number(values.top);
    process.stdout.write(
      `${scenario}: workerd ${Math.round(cpuUs)} µs/request under the profiler, JS busy ${((summary.totalMs * 1000) / requests).toFixed(0)} µs/request\n\n` +
        `by package:\n${summary.byPackage.slice(0, top).map(row).join("\n")}\n\nby function:\n${summary.byFunction.slice(0, top).map(row).join("\n")}\n`,
    );
  } finally {
    await workerd.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

if (values.profile !== undefined) {
  await profileBatch(values.profile);
  process.exit(0);
}

const labels = checkouts.map((_, i) => String.fromCharCode(65 + i));
const started: { workerd: PlainWorkerd; dir: string }[] = [];
try {
  for (const [i, checkout] of checkouts.entries()) {
    started.push(await start(checkout, labels[i]!));
    process.stderr.write(`${labels[i]}: ${checkout}\n`);
  }
  const authorization = await authorizationFor("gateway");
  for (const scenario of scenarios) {
    const cpu: number[][] = checkouts.map(() => []);
    // Warm-up: JIT, the verified-token and service-token caches, lazily built parts.
    for (const [i, { workerd }] of started.entries()) process.stderr.write(`${scenario} ${labels[i]} warm-up: ${(await batch(workerd, scenario, Math.min(requests, 1000), authorization)).summary}\n`);
    for (let round = 1; round <= Number(values.rounds); round++) {
      for (const [i, { workerd }] of started.entries()) {
        const { cpuUs } = await batch(workerd, scenario, requests, authorization);
        cpu[i]!.push(cpuUs);
      }
      process.stderr.write(`${scenario} round ${round}: ${labels.map((l, i) => `${l} ${Math.round(cpu[i]!.at(-1)!)} µs`).join(", ")}\n`);
    }
    const medians = cpu.map((runs) => median(runs));
    process.stdout.write(
      `${scenario}: ${labels.map((l, i) => `${l} ${Math.round(medians[i]!)} µs/request`).join(", ")}` +
        (medians.length > 1 ? `; ${labels.slice(1).map((l, i) => `${l}/A ${(medians[i + 1]! / medians[0]!).toFixed(2)}×`).join(", ")}` : "") +
        ` (workerd process CPU, median of ${values.rounds} batches of ${requests})\n`,
    );
  }
} finally {
  for (const { workerd, dir } of started) {
    await workerd.stop().catch(() => {});
    if (!process.env.CHAIN_COST_KEEP) rmSync(dir, { recursive: true, force: true });
  }
}
