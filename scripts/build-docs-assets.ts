// Builds the gateway's static assets: the /docs page (Swagger UI over /openapi.json),
// with Swagger UI's files copied from swagger-ui-dist so the page needs no CDN and
// works offline. wrangler.toml's [assets] serves the output folder (git-ignored);
// `wrangler dev`, `wrangler deploy`, the workerd tests and Terraform all use it, so
// run this first: the gateway's `build`/`dev` scripts, `npm run dev` and the test helper do.
//
//     node scripts/build-docs-assets.ts     # → workers/gateway/dist/assets/docs/…
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const gatewayDir = fileURLToPath(new URL("../workers/gateway/", import.meta.url));

/** The folder `[assets] directory` in wrangler.toml points at. */
export const docsAssetsDir = path.join(gatewayDir, "dist", "assets");

/** Our own page: index.html and the init script (no inline script, CSP-friendly). */
const pageDir = path.join(gatewayDir, "docs-page");

/** What the page loads from swagger-ui-dist, and its licence (Apache-2.0) next to it. */
const swaggerFiles: Record<string, string> = {
  "swagger-ui-bundle.js": "swagger-ui-bundle.js",
  "swagger-ui.css": "swagger-ui.css",
  LICENSE: "swagger-ui-LICENSE.txt",
  NOTICE: "swagger-ui-NOTICE.txt",
};

/**
 * Workers static assets take response headers from `_headers` at the folder's root (the
 * Worker's own security headers never see asset responses). The page has no inline script;
 * Swagger UI sets inline styles and uses data: images.
 */
export const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const headersFile = `/docs/*
  Content-Security-Policy: ${DOCS_CSP}
  X-Content-Type-Options: nosniff
  Referrer-Policy: no-referrer
  X-Frame-Options: DENY
`;

/**
 * Writes `<outDir>/docs/*` and returns the page's file names. Safe to run concurrently
 * (parallel test workers, `wrangler dev` watching): files already up to date are not
 * touched, others are replaced atomically (renamed in from a staging folder beside
 * `outDir`), and only files that are no longer part of the page are removed.
 */
export function buildDocsAssets(outDir: string = docsAssetsDir): string[] {
  const swaggerDir = path.dirname(createRequire(path.join(gatewayDir, "package.json")).resolve("swagger-ui-dist/package.json"));
  const target = path.join(outDir, "docs");
  mkdirSync(target, { recursive: true });
  const files = new Map<string, string>();
  for (const [from, to] of Object.entries(swaggerFiles)) files.set(to, path.join(swaggerDir, from));
  for (const name of readdirSync(pageDir)) files.set(name, path.join(pageDir, name));

  // Temporary files live next to the assets folder, never in it: wrangler may be listing it.
  const staging = path.join(path.dirname(outDir), ".assets-staging");
  mkdirSync(staging, { recursive: true });
  for (const [name, source] of files) {
    const dest = path.join(target, name);
    const content = readFileSync(source);
    if (existsSync(dest) && readFileSync(dest).equals(content)) continue; // up to date: leave it alone
    const temp = path.join(staging, `${name}.${process.pid}.${Math.random().toString(36).slice(2)}`);
    writeFileSync(temp, content);
    renameSync(temp, dest);
  }
  const headersPath = path.join(outDir, "_headers");
  if (!existsSync(headersPath) || readFileSync(headersPath, "utf8") !== headersFile) {
    const temp = path.join(staging, `_headers.${process.pid}.${Math.random().toString(36).slice(2)}`);
    writeFileSync(temp, headersFile);
    renameSync(temp, headersPath);
  }
  for (const name of readdirSync(target)) {
    if (!files.has(name)) rmSync(path.join(target, name), { recursive: true, force: true });
  }
  return [...files.keys()].sort();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const written = buildDocsAssets();
  console.log(`docs assets: ${written.length} files in ${path.relative(process.cwd(), path.join(docsAssetsDir, "docs")) || "."}`);
}
