// A/B test of a service setting: two stacks on PostgreSQL (small data set), one
// with the services' default environment (A) and one with extra variables (B),
// loaded alternately A B A B with the direct Connect call; reports throughput and
// CPU per request of each. For trying a win before changing code, e.g.
//   node bench/ab-env.ts NODE_OPTIONS=--max-semi-space-size=16
//   node bench/ab-env.ts --scenario listUsers --path gateway LOG_LEVEL=warn
import { rmSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startPostgresCluster } from "@grpc-edge/service-kit/testing";
import { runLoad } from "./load-generator.ts";
import { scenarioNames, type PathName, type ScenarioName } from "./options.ts";
import { cpuBetween, cpuSnapshot, findPostmaster, single, withChildren } from "./process-stats.ts";
import { median } from "./results.ts";
import { benchTempDir, dataSet, seedPostgres } from "./seed-data.ts";
import { startStack, type Stack } from "./start-stack.ts";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    scenario: { type: "string", default: "getUser" },
    path: { type: "string", default: "direct" },
    duration: { type: "string", default: "5" },
    rounds: { type: "string", default: "3" },
    connections: { type: "string", default: "16" },
  },
});
const scenario = values.scenario as ScenarioName;
const path = values.path as PathName;
if (!scenarioNames.includes(scenario) || (path !== "direct" && path !== "gateway") || positionals.length === 0) {
  process.stderr.write("usage: node bench/ab-env.ts [--scenario getUser] [--path direct|gateway] [--duration 5] [--rounds 3] KEY=VALUE...\n");
  process.exit(2);
}
const extraEnv = Object.fromEntries(positionals.map((p) => [p.slice(0, p.indexOf("=")), p.slice(p.indexOf("=") + 1)]));
const durationSec = Number(values.duration);

const temp = benchTempDir();
const cluster = await startPostgresCluster();
const stacks: Stack[] = [];
try {
  const set = dataSet("small", { users: 0, orders: 0 });
  const postmaster = findPostmaster(Number(new URL(cluster.url).port))!;
  for (const [tag, env] of [["a", {}], ["b", extraEnv]] as const) {
    const order = await seedPostgres(cluster.createDatabase, "order", set, `ab${tag}`);
    const user = await seedPostgres(cluster.createDatabase, "user", set, `ab${tag}`);
    stacks.push(await startStack({ order, user, logDir: temp, tag, extraEnv: env }));
  }
  const results: Record<"A" | "B", { rps: number; cpu: number }[]> = { A: [], B: [] };
  for (let round = 1; round <= Number(values.rounds); round++) {
    for (const [label, stack] of [["A", stacks[0]!], ["B", stacks[1]!]] as const) {
      const spec = {
        origin: path === "gateway" ? stack.gateway.url : stack.user.url,
        scenario,
        path,
        directFormat: "proto" as const,
        users: set.users,
        items: set.items,
        durationSec,
        connections: Number(values.connections),
        threads: 2,
      };
      await runLoad({ ...spec, durationSec: 2 });
      const pids = [single(stack.user.pid), single(stack.order.pid), withChildren(postmaster), ...(path === "gateway" ? [single(stack.gateway.pid)] : [])];
      const before = pids.map(cpuSnapshot);
      const r = await runLoad(spec);
      const cpu = pids.reduce((sum, g, i) => sum + cpuBetween(before[i]!, cpuSnapshot(g)), 0);
      stack.gateway.forgetLogs();
      const us = (cpu * 1000) / r.requests;
      results[label].push({ rps: r.rps, cpu: us });
      process.stderr.write(`round ${round} ${label}: ${Math.round(r.rps)} req/s, p99 ${r.latencyMs.p99} ms, ${Math.round(us)} µs CPU/req (services + PostgreSQL${path === "gateway" ? " + workerd" : ""}), errors ${r.errors.total}\n`);
    }
  }
  const m = (label: "A" | "B", k: "rps" | "cpu") => median(results[label].map((x) => x[k]));
  process.stdout.write(
    `${scenario} ${path}: A (defaults) ${Math.round(m("A", "rps"))} req/s, ${Math.round(m("A", "cpu"))} µs/req; ` +
      `B (${positionals.join(" ")}) ${Math.round(m("B", "rps"))} req/s, ${Math.round(m("B", "cpu"))} µs/req; ` +
      `B/A throughput ${(m("B", "rps") / m("A", "rps")).toFixed(2)}×, CPU ${(m("B", "cpu") / m("A", "cpu")).toFixed(2)}× (medians of rounds)\n`,
  );
} finally {
  for (const s of stacks) await s.stop().catch(() => {});
  await cluster.stop();
  rmSync(join(temp), { recursive: true, force: true });
}
