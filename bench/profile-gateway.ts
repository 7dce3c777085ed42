// CPU profile of the gateway inside workerd under load: the same bundle and plain
// `workerd serve` as the benchmark (plain-workerd.ts; --miniflare: in Miniflare with
// wrangler.toml's [assets], --no-assets without) with workerd's V8 inspector on, in
// front of the real services on PostgreSQL (small data set). Records a .cpuprofile
// over one wrk run and summarises it.
//   node bench/profile-gateway.ts [--scenario getUser] [--duration 6] [--miniflare [--no-assets]] [--out file.cpuprofile]
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { freePort, startPostgresCluster } from "@grpc-edge/service-kit/testing";
import { analyze, sourceMapped, type CpuProfile } from "./analyze-profile.ts";
import { cdp } from "./inspector-session.ts";
import { buildBundle, runBundle } from "./gateway-bundle.ts";
import { runLoad } from "./load-generator.ts";
import type { ScenarioName } from "./options.ts";
import { benchTempDir, dataSet, seedPostgres } from "./seed-data.ts";
import { edgeSecrets, startGatewayProcess, startServiceProcess } from "./start-stack.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const { values } = parseArgs({
  options: {
    scenario: { type: "string", default: "getUser" },
    duration: { type: "string", default: "6" },
    miniflare: { type: "boolean", default: false },
    "no-assets": { type: "boolean", default: false },
    out: { type: "string" },
    top: { type: "string", default: "25" },
  },
});

const temp = benchTempDir();
const cluster = await startPostgresCluster();
const cleanups: (() => Promise<unknown>)[] = [];
try {
  const set = dataSet("small", { users: 0, orders: 0 });
  const order = await startServiceProcess({ service: "order", database: await seedPostgres(cluster.createDatabase, "order", set, "prof"), logFile: join(temp, "order.log") });
  cleanups.push(() => order.stop());
  const user = await startServiceProcess({
    service: "user",
    database: await seedPostgres(cluster.createDatabase, "user", set, "prof"),
    logFile: join(temp, "user.log"),
    orderServiceUrl: order.url,
  });
  cleanups.push(() => user.stop());

  const bundle = await buildBundle(join(root, "wrangler.toml"));
  cleanups.push(async () => bundle.remove());
  const inspectorPort = await freePort();
  let gatewayUrl: string;
  if (values.miniflare) {
    const { secrets, vars } = edgeSecrets();
    const gateway = await runBundle(bundle, { userServiceUrl: user.url, orderServiceUrl: order.url, assets: !values["no-assets"], inspectorPort, env: { ...vars, ...secrets, EDGE_CACHE_TTL_SECONDS: "0" } });
    cleanups.push(() => gateway.dispose());
    gatewayUrl = gateway.url;
  } else {
    const gateway = await startGatewayProcess(bundle, { userUrl: user.url, orderUrl: order.url }, join(temp, "workerd.log"), "prof", { inspectorPort });
    cleanups.push(() => gateway.stop());
    gatewayUrl = gateway.url;
  }
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as { id: string; title?: string; webSocketDebuggerUrl: string }[];
  const target = targets.find((t) => t.id.includes("gateway") || t.title?.includes("gateway")) ?? targets[0]!;
  process.stderr.write(`inspector targets: ${targets.map((t) => t.id).join(", ")}; profiling ${target.id}\n`);

  const spec = {
    origin: gatewayUrl,
    scenario: values.scenario as ScenarioName,
    path: "gateway" as const,
    directFormat: "proto" as const,
    users: set.users,
    items: set.items,
    durationSec: Number(values.duration),
    connections: 16,
    threads: 2,
  };
  await runLoad({ ...spec, durationSec: 2 });
  const session = await cdp(target.webSocketDebuggerUrl);
  await session.send("Profiler.enable");
  await session.send("Profiler.setSamplingInterval", { interval: 200 });
  await session.send("Profiler.start");
  const result = await runLoad(spec);
  const { profile } = await session.send<{ profile: CpuProfile }>("Profiler.stop");
  session.close();
  const file = values.out ?? join(temp, "gateway.cpuprofile");
  writeFileSync(file, JSON.stringify(profile));
  // The bundle is minified: name frames by the source map wrangler wrote beside it.
  const summary = analyze(profile, sourceMapped("index.js", bundle.sourceMap));
  const top = Number(values.top);
  const row = (h: { name: string; selfMs: number; share: number }) => `${h.selfMs.toFixed(0).padStart(7)} ms ${(h.share * 100).toFixed(1).padStart(5)}%  ${h.name}`;
  process.stdout.write(
    `${spec.scenario} through the gateway${values.miniflare ? ` (Miniflare${values["no-assets"] ? ", no [assets]" : ""})` : " (plain workerd)"}: ${Math.round(result.rps)} req/s, ${result.requests} requests; ` +
      `JS busy ${summary.totalMs.toFixed(0)} ms = ${((summary.totalMs * 1000) / result.requests).toFixed(0)} µs/request in the profiled isolate\n\n` +
      `by package:\n${summary.byPackage.slice(0, top).map(row).join("\n")}\n\nby function:\n${summary.byFunction.slice(0, top).map(row).join("\n")}\n` +
      (values.out ? `\nprofile: ${file}\n` : ""),
  );
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  await cluster.stop();
  rmSync(temp, { recursive: true, force: true });
}
