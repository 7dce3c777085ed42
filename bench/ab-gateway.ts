// A/B test of a changed gateway: the repository's wrangler.toml (A) and another one
// (B, e.g. a copy of the repository with a change) are built and run side by side,
// each in its own plain `workerd serve` (plain-workerd.ts: the config generated from
// that wrangler.toml, as the benchmark runs it), in front of the same services
// (PostgreSQL, small set); wrk runs alternate A B A B. Reports throughput and workerd
// process CPU per request, and checks that both answer the same. --floor: B is the
// proxy-only Worker (floor/proxy-only-worker.ts, built with the repository's wrangler.toml
// settings), getUser only; --peer: the Express + grpc-js peer runs in every round too.
//   node bench/ab-gateway.ts /path/to/other/wrangler.toml [--scenario getUser|listUsers|createOrder|healthz] [--duration 5] [--rounds 3] [--peer]
//   node bench/ab-gateway.ts --floor [--peer] [--rounds 3]
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startPostgresCluster } from "@grpc-edge/service-kit/testing";
import { buildBundle, type BuiltBundle } from "./gateway-bundle.ts";
import { authorizationFor, runLoad } from "./load-generator.ts";
import { scenarioNames, type ScenarioName } from "./options.ts";
import { cpuBetween, cpuSnapshot, single } from "./process-stats.ts";
import { median } from "./results.ts";
import { benchTempDir, dataSet, seedPostgres } from "./seed-data.ts";
import type { PlainWorkerd } from "./plain-workerd.ts";
import type { WranglerSettings } from "./workerd-config.ts";
import { startGatewayProcess, startPeerProcess, startServiceProcess } from "./start-stack.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    scenario: { type: "string", default: "getUser" },
    duration: { type: "string", default: "5" },
    rounds: { type: "string", default: "3" },
    // For a B that answers differently on purpose.
    "skip-check": { type: "boolean", default: false },
    floor: { type: "boolean", default: false },
    peer: { type: "boolean", default: false },
  },
});
const scenario = values.scenario as ScenarioName | "healthz";
if (positionals.length !== (values.floor ? 0 : 1) || !(scenario === "healthz" || scenarioNames.includes(scenario)) || (values.floor && scenario !== "getUser")) {
  process.stderr.write(
    "usage: node bench/ab-gateway.ts <other wrangler.toml> [--scenario getUser|listUsers|createOrder|healthz] [--duration 5] [--rounds 3] [--skip-check] [--peer]\n" +
      "       node bench/ab-gateway.ts --floor [--peer] [--duration 5] [--rounds 3]\n",
  );
  process.exit(2);
}

/** A wrangler.toml for the proxy-only Worker: the repository's compatibility settings and [vars] (as wrangler read them), its own main. */
function floorToml(repo: WranglerSettings): string {
  const dir = mkdtempSync(join(tmpdir(), "grpc-edge-floor-"));
  const toml = join(dir, "wrangler.toml");
  // TOML's basic strings and arrays of them read like JSON.
  const vars = Object.entries(repo.vars ?? {}).map(([name, value]) => `${name} = ${JSON.stringify(typeof value === "string" ? value : JSON.stringify(value))}`);
  writeFileSync(
    toml,
    [
      `name = "grpc-edge-floor"`,
      `main = ${JSON.stringify(join(root, "bench/floor/proxy-only-worker.ts"))}`,
      `compatibility_date = ${JSON.stringify(repo.compatibility_date)}`,
      `compatibility_flags = ${JSON.stringify(repo.compatibility_flags ?? [])}`,
      "[vars]",
      ...vars,
    ].join("\n"),
  );
  return toml;
}

const temp = benchTempDir();
const cluster = await startPostgresCluster();
const cleanups: (() => Promise<unknown>)[] = [];
try {
  const set = dataSet("small", { users: 0, orders: 0 });
  const order = await startServiceProcess({ service: "order", database: await seedPostgres(cluster.createDatabase, "order", set, "abgw"), logFile: join(temp, "order.log") });
  cleanups.push(() => order.stop());
  const user = await startServiceProcess({
    service: "user",
    database: await seedPostgres(cluster.createDatabase, "user", set, "abgw"),
    logFile: join(temp, "user.log"),
    orderServiceUrl: order.url,
  });
  cleanups.push(() => user.stop());
  const gateways: Record<"A" | "B", PlainWorkerd> = {} as never;
  const bundles: Partial<Record<"A" | "B", BuiltBundle>> = {};
  for (const label of ["A", "B"] as const) {
    const toml = label === "A" ? join(root, "wrangler.toml") : values.floor ? floorToml(bundles.A!.wrangler) : positionals[0]!;
    const bundle = (bundles[label] = await buildBundle(toml));
    cleanups.push(async () => bundle.remove());
    gateways[label] = await startGatewayProcess(bundle, { userUrl: user.url, orderUrl: order.url }, join(temp, `workerd-${label}.log`), label);
    cleanups.push(() => gateways[label].stop());
    process.stderr.write(`${label}: ${toml}, bundle ${(bundle.code.length / 1024).toFixed(1)} KiB\n`);
  }
  // The same request as the load's (an admin's token, one request id) must get the same answer from both.
  const headers = { authorization: await authorizationFor("gateway"), "x-request-id": "ab-gateway-check" };
  const bodies = await Promise.all((["A", "B"] as const).map(async (l) => {
    const res = await fetch(`${gateways[l].url}${scenario === "healthz" ? "/healthz" : "/api/users/1"}`, { headers });
    return `${res.status} ${await res.text()}`;
  }));
  // The floor too: the gateway's JSON is GetUserResponse's proto3 JSON.
  if (bodies[0] !== bodies[1] && !values["skip-check"]) throw new Error(`A and B answer differently:\nA ${bodies[0]}\nB ${bodies[1]}`);
  const edges: { label: "A" | "B" | "peer"; url: string; pid: number }[] = (["A", "B"] as const).map((label) => ({ label, url: gateways[label].url, pid: gateways[label].pid }));
  if (values.peer) {
    const peer = await startPeerProcess(bundles.A!, user.url, join(temp, "peer.log"));
    cleanups.push(() => peer.stop());
    edges.push({ label: "peer", url: peer.url, pid: peer.pid });
  }

  const results: Record<string, { rps: number; cpu: number; p99: number }[]> = Object.fromEntries(edges.map((e) => [e.label, []]));
  for (let round = 1; round <= Number(values.rounds); round++) {
    for (const edge of edges) {
      const path = edge.label === "peer" ? ("peer" as const) : ("gateway" as const);
      const spec = { origin: edge.url, scenario, path, directFormat: "proto" as const, users: set.users, items: set.items, durationSec: Number(values.duration), connections: 16, threads: 2 };
      await runLoad({ ...spec, durationSec: 2 });
      const before = cpuSnapshot(single(edge.pid));
      const r = await runLoad(spec);
      const us = (cpuBetween(before, cpuSnapshot(single(edge.pid))) * 1000) / r.requests;
      results[edge.label]!.push({ rps: r.rps, cpu: us, p99: r.latencyMs.p99 });
      process.stderr.write(`round ${round} ${edge.label}: ${Math.round(r.rps)} req/s, p99 ${r.latencyMs.p99} ms, ${path === "peer" ? "node" : "workerd"} ${Math.round(us)} µs CPU/req, errors ${r.errors.total}\n`);
    }
  }
  const m = (l: string, k: "rps" | "cpu" | "p99") => median(results[l]!.map((x) => x[k]));
  process.stdout.write(
    `${scenario} through the gateway: A ${Math.round(m("A", "rps"))} req/s, workerd ${Math.round(m("A", "cpu"))} µs/req, p99 ${m("A", "p99")} ms; ` +
      `B${values.floor ? " (proxy-only floor)" : ""} ${Math.round(m("B", "rps"))} req/s, workerd ${Math.round(m("B", "cpu"))} µs/req, p99 ${m("B", "p99")} ms; ` +
      `B/A throughput ${(m("B", "rps") / m("A", "rps")).toFixed(2)}×, workerd CPU ${(m("B", "cpu") / m("A", "cpu")).toFixed(2)}× (medians of rounds)\n`,
  );
  if (values.peer) {
    process.stdout.write(
      `peer ${Math.round(m("peer", "rps"))} req/s, node ${Math.round(m("peer", "cpu"))} µs/req; ` +
        `edge CPU ÷ peer: A ${(m("A", "cpu") / m("peer", "cpu")).toFixed(2)}×, B ${(m("B", "cpu") / m("peer", "cpu")).toFixed(2)}×\n`,
    );
  }
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  await cluster.stop();
  rmSync(temp, { recursive: true, force: true });
}
