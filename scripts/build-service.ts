// Bundles one service into services/<svc>/dist/main.js (ESM, node24) with esbuild:
// what the image runs (`node services/<svc>/dist/main.js`). One file instead of
// ~690 modules and no type stripping: start-up ~140 ms of CPU instead of ~420 ms,
// idle RSS −45 MB (bench/README.md). PGlite stays external: it finds its .wasm/.data
// next to its own files, and the service imports it only when it uses it. Source
// maps cover our own code only and are used with NODE_OPTIONS=--enable-source-maps.
//   node scripts/build-service.ts order|user   (npm run build --workspace services/<svc>)
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { ownCodeOnly } from "./source-map-own-code.ts";

const service = process.argv[2];
if (service !== "order" && service !== "user") {
  process.stderr.write("usage: node scripts/build-service.ts order|user\n");
  process.exit(2);
}
const dir = fileURLToPath(new URL(`../services/${service}/`, import.meta.url));
rmSync(`${dir}dist`, { recursive: true, force: true });
const result = await build({
  entryPoints: [`${dir}src/main.ts`],
  outdir: `${dir}dist`,
  bundle: true,
  // Dynamic imports (the OpenTelemetry SDK, only with an OTLP endpoint) become
  // chunks loaded on demand instead of code parsed at every start.
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  format: "esm",
  platform: "node",
  target: "node24",
  sourcemap: true,
  // Whitespace and comments only (idle RSS −2 to −4 MB, bench/README.md): the source V8
  // keeps in memory shrinks 1.6 → 1.2 MB and stays one byte per character (a few
  // characters beyond Latin-1 in comments made it a 3.3 MB two-byte string). Names stay:
  // stack traces and pino's err.type keep them (renaming saved nothing measurable).
  minifyWhitespace: true,
  keepNames: true,
  external: ["@electric-sql/pglite", "pg-native"],
  // Some dependencies are CommonJS and call require(); give the ESM bundle one.
  banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
  legalComments: "none",
  metafile: true,
  logLevel: "warning",
});
for (const file of readdirSync(`${dir}dist`, { recursive: true, encoding: "utf8" })) {
  if (file.endsWith(".js.map")) {
    const path = `${dir}dist/${file}`;
    writeFileSync(path, JSON.stringify(ownCodeOnly(JSON.parse(readFileSync(path, "utf8")))));
  }
}

const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith(".js"));
const main = outputs.find(([file]) => file.endsWith("dist/main.js"))?.[1].bytes ?? 0;
const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
process.stdout.write(
  `services/${service}/dist/main.js: ${kib(main)} + ${outputs.length - 1} chunks ${kib(outputs.reduce((s, [, o]) => s + o.bytes, 0) - main)} from ${Object.keys(result.metafile.inputs).length} modules\n`,
);

