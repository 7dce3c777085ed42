// The same RPC through the gateway as REST and as Connect (the edge's RPC protocols:
// decoded to validate, the caller's bytes forwarded, the answer passed through): one
// build (the repository's wrangler.toml) in a plain `workerd serve`, in front of the
// services on PostgreSQL (small set); wrk alternates REST, Connect binary, Connect JSON
// per round. Reports throughput and workerd process CPU per request for each.
//   node bench/rpc-vs-rest.ts [--scenario getUser] [--duration 5] [--rounds 3]
import { rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startPostgresCluster } from "@grpc-edge/service-kit/testing";
import { buildBundle } from "./gateway-bundle.ts";
import { authorizationFor, runLoad, type LoadSpec } from "./load-generator.ts";
import { scenarioNames, type ScenarioName } from "./options.ts";
import { cpuBetween, cpuSnapshot, single } from "./process-stats.ts";
import { median } from "./results.ts";
import { benchTempDir, dataSet, seedPostgres } from "./seed-data.ts";
import { buildServices } from "./service-command.ts";
import { startGatewayProcess, startServiceProcess } from "./start-stack.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const { values } = parseArgs({
  options: {
    scenario: { type: "string", default: "getUser" },
    duration: { type: "string", default: "5" },
    rounds: { type: "string", default: "3" },
  },
});
const scenario = values.scenario as ScenarioName;
if (!scenarioNames.includes(scenario)) {
  process.stderr.write("usage: node bench/rpc-vs-rest.ts [--scenario getUser] [--duration 5] [--rounds 3]\n");
  process.exit(2);
}

// The services run as their images run them: the esbuild bundles.
buildServices();
const temp = benchTempDir();
const cluster = await startPostgresCluster();
const cleanups: (() => Promise<unknown>)[] = [];
try {
  const set = dataSet("small", { users: 0, orders: 0 });
  const order = await startServiceProcess({ service: "order", database: await seedPostgres(cluster.createDatabase, "order", set, "rvr"), logFile: join(temp, "order.log") });
  cleanups.push(() => order.stop());
  const user = await startServiceProcess({
    service: "user",
    database: await seedPostgres(cluster.createDatabase, "user", set, "rvr"),
    logFile: join(temp, "user.log"),
    orderServiceUrl: order.url,
  });
  cleanups.push(() => user.stop());
  const bundle = await buildBundle(join(root, "wrangler.toml"));
  cleanups.push(async () => bundle.remove());
  const gateway = await startGatewayProcess(bundle, { userUrl: user.url, orderUrl: order.url }, join(temp, "workerd.log"), "rpc");
  cleanups.push(() => gateway.stop());

  // REST is wrk's "gateway" path; Connect is its "direct" call, sent to the gateway with an end-user JWT.
  const base = { origin: gateway.url, scenario, users: set.users, items: set.items, durationSec: Number(values.duration), connections: 16, threads: 2 };
  const variants: Record<string, () => Promise<LoadSpec>> = {
    REST: async () => ({ ...base, path: "gateway", directFormat: "proto" }),
    "Connect binary": async () => ({ ...base, path: "direct", directFormat: "proto", authorization: await authorizationFor("gateway") }),
    "Connect JSON": async () => ({ ...base, path: "direct", directFormat: "json", authorization: await authorizationFor("gateway") }),
  };
  const results: Record<string, { rps: number; cpu: number; p99: number }[]> = {};
  for (let round = 1; round <= Number(values.rounds); round++) {
    for (const [label, specOf] of Object.entries(variants)) {
      const spec = await specOf();
      await runLoad({ ...spec, durationSec: 2 });
      const before = cpuSnapshot(single(gateway.pid));
      const r = await runLoad(spec);
      const us = (cpuBetween(before, cpuSnapshot(single(gateway.pid))) * 1000) / r.requests;
      (results[label] ??= []).push({ rps: r.rps, cpu: us, p99: r.latencyMs.p99 });
      process.stderr.write(`round ${round} ${label}: ${Math.round(r.rps)} req/s, p99 ${r.latencyMs.p99} ms, workerd ${Math.round(us)} µs CPU/req, errors ${r.errors.total}\n`);
    }
  }
  const m = (label: string, k: "rps" | "cpu" | "p99") => median(results[label]!.map((x) => x[k]));
  const rest = m("REST", "cpu");
  for (const label of Object.keys(variants)) {
    process.stdout.write(
      `${scenario} ${label}: ${Math.round(m(label, "rps"))} req/s, workerd ${Math.round(m(label, "cpu"))} µs CPU/req (${(m(label, "cpu") / rest).toFixed(2)}× REST), p99 ${m(label, "p99")} ms (medians of rounds)\n`,
    );
  }
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  await cluster.stop();
  rmSync(temp, { recursive: true, force: true });
}
