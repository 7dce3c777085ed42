// A/B(/C…) of how the services start: start-to-ready, CPU used until ready, RSS at
// ready and idle RSS (after 10 × GetUserById + GetAllUsers and 2 s idle), on
// PostgreSQL, every variant once per round, interleaved. Variants:
//   image           the Dockerfile's CMD and NODE_* ENV (the esbuild bundle)
//   bundle          node services/<svc>/dist/main.js, no flags
//   src             node services/<svc>/src/main.ts (TypeScript, as npm run dev)
//   a/path/{svc}/x.js  any other entry (e.g. a bundle built differently)
//   …+cache         with NODE_COMPILE_CACHE in a folder of its own, warmed by one discarded start
//   …:K=V[:K=V]     extra environment, e.g. image:NODE_OPTIONS=--max-semi-space-size=1
// The bundles are rebuilt first (npm run build) unless --no-build. --data large seeds
// the bench's large set (10,000 users, 100,000 orders), on which `npm run bench` reads
// idle RSS: a page of GetAllUsers then carries 500 orders instead of 100.
// e.g.  node bench/ab-startup.ts --rounds 5 src src+cache image bundle+cache image:NODE_OPTIONS=--enable-source-maps
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { mintServiceToken, startPostgresCluster } from "@grpc-edge/service-kit/testing";
import { readMemory } from "./process-stats.ts";
import type { DataSetName } from "./options.ts";
import { median } from "./results.ts";
import { benchTempDir, dataSet, seedPostgres, type DatabaseLocation, type ServiceName } from "./seed-data.ts";
import { buildServices, imageCommand, sourceCommand, type ServiceCommand } from "./service-command.ts";
import { startServiceProcess, type ServiceProcess } from "./start-stack.ts";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { rounds: { type: "string", default: "5" }, "no-build": { type: "boolean", default: false }, data: { type: "string", default: "small" } } });
if (positionals.length === 0 || (values.data !== "small" && values.data !== "large")) {
  process.stderr.write("usage: node bench/ab-startup.ts [--rounds 5] [--no-build] [--data small|large] image|bundle|src|path/{svc}/main.js[+cache][:K=V…] …\n");
  process.exit(2);
}

const temp = benchTempDir();

function variant(spec: string): { label: string; command: (service: ServiceName) => ServiceCommand; warm: boolean } {
  const [head = "", ...envs] = spec.split(":");
  const [mode, ...flags] = head.split("+");
  const extra = Object.fromEntries(envs.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
  const cache = flags.includes("cache") ? mkdtempSync(join(temp, "cache-")) : undefined;
  const base = (service: ServiceName): ServiceCommand => {
    if (mode === "image") return imageCommand(service);
    if (mode === "bundle") return { args: [`services/${service}/dist/main.js`], env: {} };
    if (mode === "src") return sourceCommand(service);
    // Any other entry, e.g. services/{svc}/dist-x/main.js (built elsewhere).
    if (mode?.includes("/")) return { args: [mode.replaceAll("{svc}", service)], env: {} };
    throw new Error(`unknown variant "${spec}"`);
  };
  return {
    label: spec,
    warm: cache !== undefined,
    command: (service) => {
      const b = base(service);
      const env = { ...b.env, ...extra };
      if (cache) env.NODE_COMPILE_CACHE = join(cache, service);
      return { args: b.args, env };
    },
  };
}

const variants = positionals.map(variant);
if (!values["no-build"]) buildServices();
const cluster = await startPostgresCluster();
type Row = { readyMs: number; cpuMs: number; readyRss: number; idleRss: number };
const rows = new Map<string, Row[]>();
try {
  const set = dataSet(values.data as DataSetName, { users: 10_000, orders: 100_000 });
  const db: Record<ServiceName, DatabaseLocation> = {
    order: await seedPostgres(cluster.createDatabase, "order", set, "abstart"),
    user: await seedPostgres(cluster.createDatabase, "user", set, "abstart"),
  };
  async function startPair(v: (typeof variants)[number], logTag: string): Promise<[ServiceProcess, ServiceProcess]> {
    const order = await startServiceProcess({ service: "order", database: db.order, logFile: join(temp, `${logTag}-order.log`), command: v.command("order") });
    const user = await startServiceProcess({
      service: "user",
      database: db.user,
      logFile: join(temp, `${logTag}-user.log`),
      command: v.command("user"),
      orderServiceUrl: order.url,
    }).catch(async (error: unknown) => {
      await order.stop();
      throw error;
    });
    return [order, user];
  }
  // A warmed compile cache is what the image ships: one discarded start fills it.
  for (const v of variants.filter((x) => x.warm)) for (const p of await startPair(v, "warm")) await p.stop();

  for (let round = 1; round <= Number(values.rounds); round++) {
    for (const v of variants) {
      const [order, user] = await startPair(v, `r${round}`);
      for (let i = 0; i < 10; i++) {
        for (const [method, body] of [["user.v1.UserService/GetUserById", { id: 1 }], ["user.v1.UserService/GetAllUsers", { pageSize: 50 }]] as const) {
          const res = await fetch(`${user.url}/${method}`, { method: "POST", headers: { "content-type": "application/json", "connect-protocol-version": "1", authorization: `Bearer ${await mintServiceToken({ scope: "admin" })}` }, body: JSON.stringify(body) });
          if (res.status !== 200) throw new Error(`${v.label}: ${method} → ${res.status} ${await res.text()}`);
          await res.arrayBuffer();
        }
      }
      await new Promise((r) => setTimeout(r, 2_000));
      for (const p of [order, user]) {
        const key = `${v.label}|${p.name}`;
        rows.set(key, [...(rows.get(key) ?? []), { readyMs: p.startToReadyMs, cpuMs: p.cpuAtReadyMs, readyRss: p.rssAtReadyMiB * 1.048576, idleRss: readMemory(p.pid)!.rssMiB * 1.048576 }]);
      }
      await user.stop();
      await order.stop();
      const o = rows.get(`${v.label}|order`)!.at(-1)!;
      const u = rows.get(`${v.label}|user`)!.at(-1)!;
      process.stderr.write(`round ${round} ${v.label}: order ${Math.round(o.readyMs)} ms / ${o.cpuMs} ms CPU / ${Math.round(o.idleRss)} MB idle; user ${Math.round(u.readyMs)} ms / ${u.cpuMs} ms CPU / ${Math.round(u.idleRss)} MB idle\n`);
    }
  }
  process.stdout.write(`medians over ${values.rounds} rounds (PostgreSQL, ${set.name} set; MB = 10^6 bytes):\n`);
  process.stdout.write(`| variant | service | start-to-ready ms | CPU to ready ms | RSS at ready MB | idle RSS MB |\n| --- | --- | ---: | ---: | ---: | ---: |\n`);
  for (const v of variants) {
    for (const service of ["order", "user"] as const) {
      const r = rows.get(`${v.label}|${service}`)!;
      const m = (k: keyof Row) => Math.round(median(r.map((x) => x[k])));
      process.stdout.write(`| ${v.label} | ${service} | ${m("readyMs")} | ${m("cpuMs")} | ${m("readyRss")} | ${m("idleRss")} |\n`);
    }
  }
} finally {
  await cluster.stop();
  rmSync(temp, { recursive: true, force: true });
}
