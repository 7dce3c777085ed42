// The gateway bundle as `wrangler deploy` would upload it (`--dry-run --outdir`),
// raw and gzipped.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { buildDocsAssets } from "../scripts/build-docs-assets.ts";

const root = fileURLToPath(new URL("..", import.meta.url));

export interface BundleSize {
  /** The main module (index.js), KiB. */
  rawKiB: number;
  /** The main module gzipped (level 9) here, KiB. */
  gzipKiB: number;
  /** wrangler's own "Total Upload: … / gzip: …" figures, KiB, when it printed them. */
  wranglerKiB?: number;
  wranglerGzipKiB?: number;
}

/** Reads "Total Upload: 275.43 KiB / gzip: 77.25 KiB" from wrangler's output. */
export function parseWranglerUpload(output: string): { totalKiB: number; gzipKiB: number } | undefined {
  const match = /Total Upload:\s*([\d.]+)\s*KiB\s*\/\s*gzip:\s*([\d.]+)\s*KiB/.exec(output);
  return match ? { totalKiB: Number(match[1]), gzipKiB: Number(match[2]) } : undefined;
}

export async function measureBundle(): Promise<BundleSize> {
  buildDocsAssets(); // wrangler refuses to build while [assets] points at a missing folder
  const outdir = mkdtempSync(join(tmpdir(), "grpc-edge-bench-bundle-"));
  try {
    const wrangler = join(dirname(createRequire(import.meta.url).resolve("wrangler/package.json")), "bin", "wrangler.js");
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [wrangler, "deploy", "--dry-run", "--config", join(root, "wrangler.toml"), "--outdir", outdir],
      { cwd: root, env: { ...process.env, WRANGLER_SEND_METRICS: "false", WRANGLER_LOG_PATH: join(outdir, "logs"), NO_COLOR: "1" } },
    );
    const main = readFileSync(join(outdir, "index.js"));
    const reported = parseWranglerUpload(`${stdout}\n${stderr}`);
    return {
      rawKiB: round(main.length / 1024),
      gzipKiB: round(gzipSync(main, { level: 9 }).length / 1024),
      ...(reported ? { wranglerKiB: reported.totalKiB, wranglerGzipKiB: reported.gzipKiB } : {}),
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const round = (n: number) => Math.round(n * 100) / 100;
