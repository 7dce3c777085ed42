// Command-line flags (and BENCH_* environment variables) of `npm run bench`.
import { parseArgs } from "node:util";

export const scenarioNames = ["getUser", "listUsers", "createOrder"] as const;
export type ScenarioName = (typeof scenarioNames)[number];
export const databaseKinds = ["postgres", "pglite"] as const;
export type DatabaseKind = (typeof databaseKinds)[number];
export const dataSetNames = ["small", "large"] as const;
export type DataSetName = (typeof dataSetNames)[number];
export const paths = ["direct", "gateway", "peer"] as const;
export type PathName = (typeof paths)[number];

export interface BenchOptions {
  /** Measured seconds per run (wrk -d). */
  durationSec: number;
  /** Discarded seconds before each measured run. */
  warmupSec: number;
  /** Open connections, fixed for every run (wrk -c). */
  connections: number;
  /** Load-generator threads (wrk -t). */
  threads: number;
  /** How many times the A B sequence repeats per scenario. */
  rounds: number;
  scenarios: ScenarioName[];
  databases: DatabaseKind[];
  dataSets: DataSetName[];
  /** Users and orders of the large data set (the small one is 10 users, 10 orders each). */
  largeUsers: number;
  largeOrders: number;
  /** Starts per service for the start-to-ready median. */
  starts: number;
  /** Wire format of the direct Connect call: "proto" is what the gateway sends upstream. */
  directFormat: "proto" | "json";
  /** Folder for <date>.json/.md/.svg. */
  outDir: string;
  /** Replace the README's bench section with this run's table. */
  updateReadme: boolean;
  /** Extra environment for both services (experiments, e.g. LOG_LEVEL=warn); recorded in the results. */
  serviceEnv: Record<string, string>;
  /** Run the services under `node --cpu-prof`, profiles into <dir>/<database>-<set>-<service>/. */
  cpuProfDir: string | undefined;
  quick: boolean;
}

const usage = `npm run bench -- [flags]

  --quick                 smoke run (~1.5 min): 2 s runs, 1 s warm-up, 1 round, PostgreSQL only,
                          1,000-user large set; writes bench/results/<date>-quick.*, README untouched
  --duration <s>          measured seconds per run (default 10)        BENCH_DURATION
  --warmup <s>            discarded warm-up seconds per run (default 3) BENCH_WARMUP
  --connections <n>       fixed concurrency (default 16)                BENCH_CONNECTIONS
  --threads <n>           wrk threads (default 2)                       BENCH_THREADS
  --rounds <n>            direct, gateway, peer rounds (default 3)      BENCH_ROUNDS
  --scenarios <list>      getUser,listUsers,createOrder                 BENCH_SCENARIOS
  --databases <list>      postgres,pglite                               BENCH_DATABASES
  --datasets <list>       small,large                                   BENCH_DATASETS
  --large-users <n>       users in the large set (default 10000)
  --large-orders <n>      orders in the large set (default 100000)
  --starts <n>            starts per service for start-to-ready (default 5)
  --direct-format <f>     proto (default) or json for the direct Connect call
  --out <dir>             results folder (default bench/results)
  --no-readme             do not update README.md
  --service-env K=V       extra environment for both services, repeatable (e.g. LOG_LEVEL=warn)
  --cpu-prof <dir>        run the services under node --cpu-prof (profiles in <dir>/<db>-<set>-<service>/;
                          summarise with node bench/analyze-profile.ts <file>)
  --help
`;

function list<T extends string>(value: string | undefined, allowed: readonly T[], fallback: readonly T[], flag: string): T[] {
  if (value === undefined || value === "") return [...fallback];
  const items = value.split(",").map((s) => s.trim()).filter(Boolean);
  for (const item of items) {
    if (!(allowed as readonly string[]).includes(item)) throw new Error(`${flag}: unknown "${item}" (one of ${allowed.join(", ")})`);
  }
  return items as T[];
}

function positive(value: string | undefined, fallback: number, flag: string, { integer = true } = {}): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new Error(`${flag}: expected a positive ${integer ? "integer" : "number"}, got "${value}"`);
  return n;
}

export function parseOptions(argv: readonly string[], env: Record<string, string | undefined> = process.env): BenchOptions | "help" {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: "boolean", default: false },
      duration: { type: "string" },
      warmup: { type: "string" },
      connections: { type: "string" },
      threads: { type: "string" },
      rounds: { type: "string" },
      scenarios: { type: "string" },
      databases: { type: "string" },
      datasets: { type: "string" },
      "large-users": { type: "string" },
      "large-orders": { type: "string" },
      starts: { type: "string" },
      "direct-format": { type: "string" },
      out: { type: "string" },
      "no-readme": { type: "boolean", default: false },
      "service-env": { type: "string", multiple: true },
      "cpu-prof": { type: "string" },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) return "help";
  const quick = values.quick === true;
  const directFormat = values["direct-format"] ?? env.BENCH_DIRECT_FORMAT ?? "proto";
  if (directFormat !== "proto" && directFormat !== "json") throw new Error(`--direct-format: proto or json, got "${directFormat}"`);
  const durationSec = positive(values.duration ?? env.BENCH_DURATION, quick ? 2 : 10, "--duration");
  return {
    durationSec,
    warmupSec: positive(values.warmup ?? env.BENCH_WARMUP, quick ? 1 : 3, "--warmup"),
    connections: positive(values.connections ?? env.BENCH_CONNECTIONS, 16, "--connections"),
    threads: positive(values.threads ?? env.BENCH_THREADS, 2, "--threads"),
    rounds: positive(values.rounds ?? env.BENCH_ROUNDS, quick ? 1 : 3, "--rounds"),
    scenarios: list(values.scenarios ?? env.BENCH_SCENARIOS, scenarioNames, scenarioNames, "--scenarios"),
    databases: list(values.databases ?? env.BENCH_DATABASES, databaseKinds, quick ? ["postgres"] : databaseKinds, "--databases"),
    dataSets: list(values.datasets ?? env.BENCH_DATASETS, dataSetNames, dataSetNames, "--datasets"),
    largeUsers: positive(values["large-users"], quick ? 1_000 : 10_000, "--large-users"),
    largeOrders: positive(values["large-orders"], quick ? 10_000 : 100_000, "--large-orders"),
    starts: positive(values.starts, quick ? 1 : 5, "--starts"),
    directFormat,
    outDir: values.out ?? env.BENCH_OUT ?? "bench/results",
    // A smoke run or a run shorter than the 10 s never replaces the README's numbers.
    updateReadme: !values["no-readme"] && !quick && durationSec >= 10,
    serviceEnv: Object.fromEntries(
      (values["service-env"] ?? []).map((pair) => {
        const eq = pair.indexOf("=");
        if (eq < 1) throw new Error(`--service-env: expected KEY=VALUE, got "${pair}"`);
        return [pair.slice(0, eq), pair.slice(eq + 1)];
      }),
    ),
    cpuProfDir: values["cpu-prof"],
    quick,
  };
}

export { usage };
