// The load generator: wrk (C, a few percent of one core at these rates) with the
// Lua script in wrk/scenario.lua; fixed concurrency, closed loop.
import { execFile, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { bearer } from "@grpc-edge/service-kit/testing";
import { mintJwt } from "../workers/gateway/test/jwt-test-kit.ts";
import type { PathName, ScenarioName } from "./options.ts";

const script = fileURLToPath(new URL("wrk/scenario.lua", import.meta.url));

export interface LoadSpec {
  /** Origin to load, e.g. http://127.0.0.1:8787. */
  origin: string;
  /** "healthz": GET /healthz, no upstream call. */
  scenario: ScenarioName | "healthz";
  path: PathName;
  directFormat: "proto" | "json";
  users: number;
  items: number;
  durationSec: number;
  connections: number;
  threads: number;
  /** Overrides the path's credential: an end-user JWT for "direct"-shaped Connect calls sent to the gateway (rpc-vs-rest.ts). */
  authorization?: string;
  /** If-None-Match on every REST GET (revalidations, measure-edge-cache.ts). */
  ifNoneMatch?: string;
}

export interface LoadResult {
  requests: number;
  durationSec: number;
  /** Requests per second (every answered request, errors included). */
  rps: number;
  latencyMs: { mean: number; p50: number; p90: number; p99: number; p999: number; max: number };
  /** Socket errors by kind, and `status`: answers with an HTTP status ≥ 400. */
  errors: { connect: number; read: number; write: number; status: number; timeout: number; total: number };
}

interface WrkJson {
  requests: number;
  durationUs: number;
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  latencyUs: { mean: number; max: number; p50: number; p90: number; p99: number; p999: number };
}

const ms = (us: number) => Math.round(us) / 1000;

/** Reads the WRK_JSON line that wrk/scenario.lua's done() prints. */
export function parseWrkOutput(stdout: string): LoadResult {
  const line = stdout.split("\n").find((l) => l.startsWith("WRK_JSON "));
  if (line === undefined) throw new Error(`wrk printed no WRK_JSON line:\n${stdout}`);
  const raw = JSON.parse(line.slice("WRK_JSON ".length)) as WrkJson;
  const durationSec = raw.durationUs / 1e6;
  const e = raw.errors;
  return {
    requests: raw.requests,
    durationSec,
    rps: durationSec > 0 ? raw.requests / durationSec : 0,
    latencyMs: {
      mean: ms(raw.latencyUs.mean),
      p50: ms(raw.latencyUs.p50),
      p90: ms(raw.latencyUs.p90),
      p99: ms(raw.latencyUs.p99),
      p999: ms(raw.latencyUs.p999),
      max: ms(raw.latencyUs.max),
    },
    errors: { ...e, total: e.connect + e.read + e.write + e.status + e.timeout },
  };
}

export function wrkAvailable(): boolean {
  return spawnSync("wrk", ["--version"], { encoding: "utf8" }).error === undefined;
}

export function wrkArgs(spec: LoadSpec): string[] {
  return [
    `-t${spec.threads}`,
    `-c${spec.connections}`,
    `-d${spec.durationSec}s`,
    // A request slower than this counts as a timeout error rather than skewing forever.
    "--timeout", "5s",
    "-s", script,
    spec.origin,
  ];
}

/**
 * The credentials a real caller has, fresh for each run (tokens live ≤ 60 s): the
 * gateway gets an admin end-user JWT, a direct call the service token the gateway
 * would sign for that caller.
 */
export async function authorizationFor(path: PathName): Promise<string> {
  return path === "direct" ? bearer({ sub: 1, scope: "admin" }) : `Bearer ${await mintJwt({ sub: "1", scope: "admin" })}`;
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const authorization = spec.authorization ?? (await authorizationFor(spec.path));
  const { stdout } = await promisify(execFile)("wrk", wrkArgs(spec), {
    env: {
      ...process.env,
      BENCH_SCENARIO: spec.scenario,
      BENCH_PATH: spec.path,
      BENCH_FORMAT: spec.directFormat,
      BENCH_USERS: String(spec.users),
      BENCH_ITEMS: String(spec.items),
      BENCH_AUTHORIZATION: authorization,
      BENCH_IF_NONE_MATCH: spec.ifNoneMatch ?? "",
    },
    timeout: (spec.durationSec + 30) * 1000,
    maxBuffer: 1 << 20,
  });
  return parseWrkOutput(stdout);
}
