// A/B test of the services: two stacks on PostgreSQL (small data set), loaded
// alternately A B A B, reporting throughput and CPU per request of each. B differs
// from A by extra environment variables, by git revision of the services, or both:
//   node bench/ab-env.ts NODE_OPTIONS=--max-semi-space-size=16          # a setting
//   node bench/ab-env.ts --rev-a main                                    # main's services (A) vs this checkout's (B)
//   node bench/ab-env.ts --rev-a cbc1a83 --rev-b HEAD --scenario listUsers
//   node bench/ab-env.ts --scenario listUsers --path gateway LOG_LEVEL=warn
// A revision's services are built from `git archive` of it on the dependencies
// installed here (revision-services.ts); without --rev-*, a side runs this checkout.
// The direct path is the services' own CPU per call (services + PostgreSQL); the
// gateway/peer paths add the edge process's.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startPostgresCluster } from "@grpc-edge/service-kit/testing";
import { buildBundle, type BuiltBundle } from "./gateway-bundle.ts";
import { runLoad } from "./load-generator.ts";
import { paths, scenarioNames, type PathName, type ScenarioName } from "./options.ts";
import { cpuBetween, cpuSnapshot, findPostmaster, single, withChildren, type ProcessGroup } from "./process-stats.ts";
import { median } from "./results.ts";
import { checkoutServices } from "./revision-services.ts";
import { benchTempDir, dataSet, seedPostgres } from "./seed-data.ts";
import { buildServices } from "./service-command.ts";
import { startStack, type Stack } from "./start-stack.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const usage =
  "usage: node bench/ab-env.ts [--rev-a <git rev>] [--rev-b <git rev>] [--scenario getUser|listUsers|createOrder] [--path direct|gateway|peer]\n" +
  "                            [--duration 5] [--rounds 3] [--connections 16] [KEY=VALUE... (B's extra environment)]\n";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    scenario: { type: "string", default: "getUser" },
    path: { type: "string", default: "direct" },
    duration: { type: "string", default: "5" },
    rounds: { type: "string", default: "3" },
    connections: { type: "string", default: "16" },
    "rev-a": { type: "string" },
    "rev-b": { type: "string" },
  },
});
const scenario = values.scenario as ScenarioName;
const path = values.path as PathName;
const revs = { A: values["rev-a"], B: values["rev-b"] };
if (!scenarioNames.includes(scenario) || !paths.includes(path) || (positionals.length === 0 && !revs.A && !revs.B) || positionals.some((p) => p.indexOf("=") < 1)) {
  process.stderr.write(usage);
  process.exit(2);
}
const extraEnv = Object.fromEntries(positionals.map((p) => [p.slice(0, p.indexOf("=")), p.slice(p.indexOf("=") + 1)]));
const durationSec = Number(values.duration);
const describe = (label: "A" | "B") =>
  [revs[label] ? `services of ${revs[label]}` : "this checkout", label === "B" && positionals.length ? positionals.join(" ") : ""].filter(Boolean).join(", ");

const temp = benchTempDir();
const cluster = await startPostgresCluster();
const stacks: Stack[] = [];
let bundle: BuiltBundle | undefined;
try {
  // Each side's checkout: another revision's, built here, or this one, built as the images do.
  const roots: Record<"A" | "B", string> = { A: root, B: root };
  for (const label of ["A", "B"] as const) {
    const rev = revs[label];
    if (rev === undefined) continue;
    const checkout = checkoutServices(rev, temp);
    roots[label] = checkout.root;
    process.stderr.write(`${label}: ${rev} = ${checkout.commit.slice(0, 12)}, services built\n`);
  }
  if (!revs.A || !revs.B) buildServices();
  bundle = await buildBundle(join(root, "wrangler.toml"));
  const set = dataSet("small", { users: 0, orders: 0 });
  const postmaster = findPostmaster(Number(new URL(cluster.url).port))!;
  for (const label of ["A", "B"] as const) {
    const tag = `ab${label.toLowerCase()}`;
    const order = await seedPostgres(cluster.createDatabase, "order", set, tag, roots[label]);
    const user = await seedPostgres(cluster.createDatabase, "user", set, tag, roots[label]);
    stacks.push(await startStack({ order, user, bundle, logDir: temp, tag, extraEnv: label === "B" ? extraEnv : {}, servicesRoot: roots[label] }));
  }
  const results: Record<"A" | "B", { rps: number; cpu: number; services: number; p99: number }[]> = { A: [], B: [] };
  for (let round = 1; round <= Number(values.rounds); round++) {
    for (const [label, stack] of [["A", stacks[0]!], ["B", stacks[1]!]] as const) {
      const spec = {
        origin: { direct: stack.user.url, gateway: stack.gateway.url, peer: stack.peer.url }[path],
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
      const services: ProcessGroup[] = [single(stack.user.pid), single(stack.order.pid), withChildren(postmaster)];
      const edge: ProcessGroup[] = path === "gateway" ? [single(stack.gateway.pid)] : path === "peer" ? [single(stack.peer.pid)] : [];
      const before = [...services, ...edge].map(cpuSnapshot);
      const r = await runLoad(spec);
      const spent = [...services, ...edge].map((g, i) => cpuBetween(before[i]!, cpuSnapshot(g)));
      const perRequest = (ms: number) => (ms * 1000) / Math.max(1, r.requests);
      const servicesUs = perRequest(spent.slice(0, services.length).reduce((a, b) => a + b, 0));
      const us = perRequest(spent.reduce((a, b) => a + b, 0));
      results[label].push({ rps: r.rps, cpu: us, services: servicesUs, p99: r.latencyMs.p99 });
      process.stderr.write(
        `round ${round} ${label}: ${Math.round(r.rps)} req/s, p99 ${r.latencyMs.p99} ms, services + PostgreSQL ${Math.round(servicesUs)} µs CPU/req` +
          `${edge.length ? `, with the ${path} process ${Math.round(us)} µs` : ""}, errors ${r.errors.total}\n`,
      );
    }
  }
  const m = (label: "A" | "B", k: "rps" | "cpu" | "services" | "p99") => median(results[label].map((x) => x[k]));
  process.stdout.write(
    `${scenario} ${path}: A (${describe("A")}) ${Math.round(m("A", "rps"))} req/s, services ${Math.round(m("A", "services"))} µs/req` +
      `${path === "direct" ? "" : `, total ${Math.round(m("A", "cpu"))} µs/req`}, p99 ${m("A", "p99")} ms; ` +
      `B (${describe("B")}) ${Math.round(m("B", "rps"))} req/s, services ${Math.round(m("B", "services"))} µs/req` +
      `${path === "direct" ? "" : `, total ${Math.round(m("B", "cpu"))} µs/req`}, p99 ${m("B", "p99")} ms; ` +
      `B/A throughput ${(m("B", "rps") / m("A", "rps")).toFixed(2)}×, services CPU ${(m("B", "services") / m("A", "services")).toFixed(2)}×` +
      `${path === "direct" ? "" : `, total CPU ${(m("B", "cpu") / m("A", "cpu")).toFixed(2)}×`} (medians of ${values.rounds} rounds)\n`,
  );
} finally {
  for (const s of stacks) await s.stop().catch(() => {});
  await cluster.stop();
  bundle?.remove();
  rmSync(temp, { recursive: true, force: true });
}
