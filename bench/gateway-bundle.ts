// A gateway bundle built by `wrangler deploy --dry-run` from any wrangler.toml. The
// benchmark runs it in one plain `workerd serve` (plain-workerd.ts); runBundle here
// runs it in Miniflare with that config's [assets], for the V8 inspector of
// profile-gateway.ts.
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { buildDocsAssets } from "../scripts/build-docs-assets.ts";
import { allProcesses } from "./process-stats.ts";
import type { WranglerSettings } from "./workerd-config.ts";

const requireHere = createRequire(import.meta.url);
const wranglerPackage = requireHere.resolve("wrangler/package.json");

export interface BuiltBundle {
  dir: string;
  /** index.js */
  code: string;
  sourceMap: string;
  /** Absolute [assets] directory, when the config has one. */
  assetsDir?: string;
  compatibilityDate: string;
  /** The output folder's file names. */
  files: string[];
  /** The main module's file name (index.js). */
  mainModule: string;
  /** wrangler.toml as wrangler reads it (compatibility settings, [vars]). */
  wrangler: WranglerSettings;
  remove(): void;
}

export async function buildBundle(wranglerToml: string): Promise<BuiltBundle> {
  buildDocsAssets();
  const dir = mkdtempSync(join(tmpdir(), "grpc-edge-bundle-"));
  const wrangler = join(dirname(wranglerPackage), "bin", "wrangler.js");
  await promisify(execFile)(process.execPath, [wrangler, "deploy", "--dry-run", "--config", wranglerToml, "--outdir", dir], {
    cwd: dirname(wranglerToml),
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", WRANGLER_LOG_PATH: join(dir, "logs") },
  });
  const { unstable_readConfig } = (await import(pathToFileURL(requireHere.resolve("wrangler")).href)) as {
    unstable_readConfig(args: { config: string }): WranglerSettings & { main?: string; assets?: { directory?: string } };
  };
  const config = unstable_readConfig({ config: wranglerToml });
  const mainModule = `${(config.main ?? "index.ts").split("/").at(-1)!.replace(/\.[cm]?[jt]s$/, "")}.js`;
  return {
    dir,
    code: readFileSync(join(dir, mainModule), "utf8"),
    sourceMap: readFileSync(join(dir, `${mainModule}.map`), "utf8"),
    ...(config.assets?.directory ? { assetsDir: resolve(dirname(wranglerToml), config.assets.directory) } : {}),
    compatibilityDate: config.compatibility_date ?? "2025-09-01",
    files: readdirSync(dir),
    mainModule,
    wrangler: { compatibility_date: config.compatibility_date, compatibility_flags: config.compatibility_flags, vars: config.vars },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface BundleGateway {
  url: string;
  pid: number;
  dispose(): Promise<void>;
}

export async function runBundle(
  bundle: BuiltBundle,
  options: { userServiceUrl: string; orderServiceUrl: string; assets?: boolean; inspectorPort?: number; env?: Record<string, string> },
): Promise<BundleGateway> {
  const { Miniflare } = (await import(pathToFileURL(createRequire(wranglerPackage).resolve("miniflare")).href)) as {
    Miniflare: new (o: object) => { ready: Promise<URL>; dispose(): Promise<void> };
  };
  const before = new Set(allProcesses().filter((p) => p.ppid === process.pid).map((p) => p.pid));
  const mf = new Miniflare({
    host: "127.0.0.1",
    port: 0,
    ...(options.inspectorPort ? { inspectorPort: options.inspectorPort } : {}),
    enableDevRegistry: false,
    telemetry: { enabled: false },
    logRequests: false,
    cf: false,
    handleStructuredLogs: () => {},
    workers: [
      {
        config: {
          name: "gateway",
          compatibilityDate: bundle.compatibilityDate,
          compatibilityFlags: [],
          manifest: { mainModule: "index.js", modules: { "index.js": { type: "esm", contents: bundle.code } } },
          env: Object.fromEntries(
            Object.entries({ ...bundle.wrangler.vars, ...options.env, USER_SERVICE_URL: options.userServiceUrl, ORDER_SERVICE_URL: options.orderServiceUrl }).map(([k, v]) => [k, { type: "text", value: String(v) }]),
          ),
          ...(options.assets !== false && bundle.assetsDir
            ? { assets: { directory: bundle.assetsDir, hasUserWorker: true, htmlHandling: "auto-trailing-slash", notFoundHandling: "none", runWorkerFirst: false } }
            : {}),
        },
        dev: { unsafeRegisterWorker: false },
      },
    ],
  });
  const url = (await mf.ready).origin;
  const pid = allProcesses().find((p) => p.ppid === process.pid && !before.has(p.pid) && p.comm.startsWith("workerd"))?.pid;
  if (pid === undefined) {
    await mf.dispose();
    throw new Error("no workerd process found");
  }
  return { url, pid, dispose: () => mf.dispose() };
}
