import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { TEST_SERVICE_TOKEN_SECRET } from "@grpc-edge/service-kit/testing";
import type { Miniflare as MiniflareClass } from "miniflare";
import { buildDocsAssets } from "../../../scripts/build-docs-assets.ts";
import { testJwtVars } from "./jwt-test-kit.ts";

export interface StartGatewayOptions {
  /** Where the gateway finds the user service, e.g. "http://127.0.0.1:50051". */
  userServiceUrl: string;
  /** Where it finds the order service (items, GetOrder, CancelOrder), e.g. "http://127.0.0.1:50052". */
  orderServiceUrl: string;
  /**
   * Extra or overriding Worker vars, e.g. { UPSTREAM_TIMEOUT_MS: "200" }.
   * SERVICE_TOKEN_SECRET defaults to the secret test services get (TEST_SERVICE_TOKEN_SECRET),
   * JWT_ISSUER/JWT_AUDIENCE/JWT_SECRET to TEST_JWT's (mint tokens with jwt-test-kit.ts).
   */
  vars?: Record<string, string>;
  /**
   * The RATE_LIMITER binding's simple limit (wrangler.toml's name and namespace). Default: so
   * high no test reaches it; `false`: no binding at all (the Worker then does not limit).
   */
  rateLimit?: { limit: number; period: 10 | 60 } | false;
  /**
   * The AUTH_FAILURE_LIMITER binding's simple limit (failed authentications per client
   * network). Default: so high no test reaches it; `false`: no binding.
   */
  authFailureLimit?: { limit: number; period: 10 | 60 } | false;
  /** Each line the Worker logs (the access log among them); default: only warnings and errors, to stderr. */
  onLog?: (log: WorkerLog) => void;
}

export interface WorkerLog {
  level: string;
  message: string;
}

export interface RunningGateway {
  /** Origin of the gateway, without a trailing slash: "http://127.0.0.1:<port>". */
  url: string;
  /** Everything the Worker logged so far, oldest first. */
  readonly logs: readonly WorkerLog[];
  /** Shuts the workerd process down; safe to call twice. */
  stop(): Promise<void>;
}

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const wranglerToml = path.join(repoRoot, "wrangler.toml");
const requireHere = createRequire(import.meta.url);
const wranglerPackageJson = requireHere.resolve("wrangler/package.json");
// Miniflare as wrangler itself depends on it, so the runtime matches what `wrangler dev` runs.
const requireFromWrangler = createRequire(wranglerPackageJson);

interface WranglerConfig {
  name?: string;
  main?: string;
  compatibility_date?: string;
  compatibility_flags?: string[];
  vars?: Record<string, unknown>;
  ratelimits?: { name: string; namespace_id: string; simple: { limit: number; period: 10 | 60 } }[];
  assets?: {
    directory?: string;
    binding?: string;
    html_handling?: "auto-trailing-slash" | "force-trailing-slash" | "drop-trailing-slash" | "none";
    not_found_handling?: "single-page-application" | "404-page" | "none";
    run_worker_first?: boolean | string[];
  };
}

// miniflare's option types need zod's, which it bundles rather than installs, so the
// shapes used here are spelled out locally.
interface Bundle {
  config: WranglerConfig & { compatibilityDate: string };
  modules: Record<string, { type: "esm" | "sourcemap"; contents: string }>;
  mainModule: string;
  /** Miniflare's form of wrangler.toml's [assets], with an absolute directory. */
  assets?: {
    directory: string;
    hasUserWorker: true;
    htmlHandling?: NonNullable<WranglerConfig["assets"]>["html_handling"];
    notFoundHandling?: NonNullable<WranglerConfig["assets"]>["not_found_handling"];
    runWorkerFirst?: boolean | string[];
  };
  Miniflare: typeof MiniflareClass;
}

let bundle: Promise<Bundle> | undefined;

declare module "vitest" {
  export interface ProvidedContext {
    /** The folder gateway-bundle-setup.ts built the Worker into, once for the run. */
    gatewayBundleDir?: string;
  }
}

/** Where the run's globalSetup (gateway-bundle-setup.ts) left the built Worker, if it did. */
async function prebuiltBundleDir(): Promise<string | undefined> {
  // bench/ starts gateways outside vitest: only a test worker may ask vitest.
  if (!process.env.VITEST) return undefined;
  const { inject } = await import("vitest");
  return inject("gatewayBundleDir");
}

/**
 * Runs the gateway in one real workerd (Miniflare, no `wrangler dev` proxy in front),
 * on 127.0.0.1 and a free port. The Worker is the bundle `wrangler deploy` would ship,
 * built once per test run (globalSetup) or else once per process; its compatibility
 * settings and vars come from wrangler.toml.
 */
export async function startGateway(options: StartGatewayOptions): Promise<RunningGateway> {
  // A failed build is not cached: the next call retries.
  bundle ??= loadOrBuildBundle().catch((err: unknown) => {
    bundle = undefined;
    throw err;
  });
  const { config, modules, mainModule, assets, Miniflare } = await bundle;
  const assetsBinding = assets === undefined ? undefined : config.assets?.binding;
  const logs: WorkerLog[] = [];
  const onLog = options.onLog ?? printWarnings;
  const vars: Record<string, unknown> = {
    ...config.vars,
    // `npm run dev`'s default (scripts/dev.ts); wrangler.toml keeps it off for deploys.
    PUBLIC_READS: "true",
    USER_SERVICE_URL: options.userServiceUrl,
    ORDER_SERVICE_URL: options.orderServiceUrl,
    SERVICE_TOKEN_SECRET: TEST_SERVICE_TOKEN_SECRET,
    ...testJwtVars,
    ...options.vars,
  };
  // wrangler.toml's [[ratelimits]], as Miniflare 5 binds them (type "rate-limit"), each with the test's limit.
  const limits: Record<string, StartGatewayOptions["rateLimit"]> = { RATE_LIMITER: options.rateLimit, AUTH_FAILURE_LIMITER: options.authFailureLimit };
  const ratelimits = Object.fromEntries(
    (config.ratelimits ?? []).flatMap((r) => {
      const limit = limits[r.name];
      if (limit === false) return [];
      return [[r.name, { type: "rate-limit", namespace: r.namespace_id, simple: limit ?? { limit: 1_000_000, period: 60 } }]];
    }),
  );

  const mf = new Miniflare({
    host: "127.0.0.1",
    port: 0,
    // Keep tests hermetic: no dev registry files, no telemetry, no cf fetch from the internet.
    enableDevRegistry: false,
    telemetry: { enabled: false },
    logRequests: false,
    cf: false,
    handleStructuredLogs: ({ level, message }: WorkerLog) => {
      logs.push({ level, message });
      onLog({ level, message });
    },
    workers: [
      {
        config: {
          name: config.name ?? "gateway",
          compatibilityDate: config.compatibilityDate,
          compatibilityFlags: config.compatibility_flags ?? [],
          manifest: { mainModule, modules },
          // wrangler.toml's [assets] (the /docs page), served by workerd as `wrangler dev` and Cloudflare do.
          ...(assets === undefined ? {} : { assets }),
          env: {
            ...Object.fromEntries(
              Object.entries(vars).map(([name, value]) => [
                name,
                typeof value === "string" ? { type: "text", value } : { type: "json", value },
              ]),
            ),
            ...ratelimits,
            // [assets] binding: the Worker hands /docs GETs to it.
            ...(assetsBinding === undefined ? {} : { [assetsBinding]: { type: "assets" } }),
          },
        },
        dev: { unsafeRegisterWorker: false },
      },
    ],
  });

  let url: URL;
  try {
    url = await mf.ready;
  } catch (err) {
    await mf.dispose().catch(() => {});
    throw err;
  }
  let stopped: Promise<void> | undefined;
  return {
    url: url.origin,
    logs,
    stop: () => (stopped ??= mf.dispose()),
  };
}

async function loadOrBuildBundle(): Promise<Bundle> {
  const prebuilt = await prebuiltBundleDir();
  if (prebuilt !== undefined) return loadBundle(prebuilt);
  const outdir = mkdtempSync(path.join(tmpdir(), "grpc-edge-gateway-"));
  try {
    await buildGatewayBundle(outdir);
    return await loadBundle(outdir);
  } finally {
    // Everything is read into memory; test runners kill workers without an "exit" event.
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** What buildGatewayBundle writes next to the modules: the wrangler.toml settings a start needs. */
const configFile = "wrangler-config.json";

/**
 * Builds the docs assets and the Worker bundle `wrangler deploy` would upload into `outdir`,
 * with wrangler.toml as wrangler reads it (the run's globalSetup does this once; each
 * workerd start then only reads files and loads Miniflare).
 */
export async function buildGatewayBundle(outdir: string): Promise<void> {
  // wrangler refuses to bundle while [assets] points at a folder that does not exist.
  buildDocsAssets();
  const wranglerBin = path.join(path.dirname(wranglerPackageJson), "bin", "wrangler.js");
  const build = promisify(execFile)(
    process.execPath,
    [wranglerBin, "deploy", "--dry-run", "--config", wranglerToml, "--outdir", outdir],
    {
      cwd: repoRoot,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", WRANGLER_LOG_PATH: path.join(outdir, "logs") },
    },
  ).catch((err: Error & { stdout?: string; stderr?: string }) => {
    throw new Error(`wrangler deploy --dry-run failed:\n${err.stdout ?? ""}${err.stderr ?? ""}`, { cause: err });
  });
  // Wrangler's own config reader (no hand-rolled TOML) loads while it builds.
  const [{ unstable_readConfig }] = await Promise.all([
    importResolved<{ unstable_readConfig(args: { config: string }): WranglerConfig }>(requireHere.resolve("wrangler")),
    build,
  ]);
  const { name, main, compatibility_date, compatibility_flags, vars, ratelimits, assets } = unstable_readConfig({ config: wranglerToml });
  const config: WranglerConfig = { name, main, compatibility_date, compatibility_flags, vars, ratelimits, assets };
  writeFileSync(path.join(outdir, configFile), JSON.stringify(config));
}

/** Reads what buildGatewayBundle left in `outdir`. */
async function loadBundle(outdir: string): Promise<Bundle> {
  const { Miniflare } = await importResolved<{ Miniflare: typeof MiniflareClass }>(requireFromWrangler.resolve("miniflare"));
  const config = JSON.parse(readFileSync(path.join(outdir, configFile), "utf8")) as WranglerConfig;
  if (config.compatibility_date === undefined) throw new Error(`${wranglerToml} has no compatibility_date`);

  const mainModule = `${path.parse(config.main ?? "index.ts").name}.js`;
  const modules: Bundle["modules"] = {};
  for (const file of readdirSync(outdir)) {
    const type = file.endsWith(".js") || file.endsWith(".mjs") ? "esm" : file.endsWith(".map") ? "sourcemap" : undefined;
    if (type !== undefined) modules[file] = { type, contents: readFileSync(path.join(outdir, file), "utf8") };
  }
  if (modules[mainModule] === undefined) {
    throw new Error(`wrangler deploy --dry-run produced no ${mainModule} in ${outdir}`);
  }
  const assets: Bundle["assets"] =
    config.assets?.directory === undefined
      ? undefined
      : {
          directory: path.resolve(path.dirname(wranglerToml), config.assets.directory),
          hasUserWorker: true,
          htmlHandling: config.assets.html_handling,
          notFoundHandling: config.assets.not_found_handling,
          runWorkerFirst: config.assets.run_worker_first,
        };
  return { config: { ...config, compatibilityDate: config.compatibility_date }, modules, mainModule, assets, Miniflare };
}

async function importResolved<T>(file: string): Promise<T> {
  return (await import(pathToFileURL(file).href)) as T;
}

function printWarnings({ level, message }: WorkerLog): void {
  if (level === "warn" || level === "error") process.stderr.write(`[gateway ${level}] ${message}\n`);
}
