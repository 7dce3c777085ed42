// Fails when the committed generated code differs from what `buf generate`
// produces from proto/ now: generated files are never edited by hand.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const protoDir = fileURLToPath(new URL("../proto", import.meta.url));
const committed = join(protoDir, "gen");
const fresh = mkdtempSync(join(tmpdir(), "grpc-edge-gen-"));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

try {
  // buf finds the protoc-gen-es plugin on PATH, as it does under `npm run generate`.
  const bin = fileURLToPath(new URL("../node_modules/.bin", import.meta.url));
  execFileSync(join(bin, "buf"), ["generate", "--output", fresh], {
    cwd: protoDir,
    stdio: "inherit",
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
  });
  const want = new Map(files(join(fresh, "gen")).map((f) => [relative(join(fresh, "gen"), f), readFileSync(f, "utf8")]));
  const have = new Map(files(committed).map((f) => [relative(committed, f), readFileSync(f, "utf8")]));
  const problems = [
    ...[...want.keys()].filter((f) => !have.has(f)).map((f) => `missing: proto/gen/${f}`),
    ...[...have.keys()].filter((f) => !want.has(f)).map((f) => `stale (no longer generated): proto/gen/${f}`),
    ...[...want.keys()].filter((f) => have.has(f) && have.get(f) !== want.get(f)).map((f) => `differs: proto/gen/${f}`),
  ];
  if (problems.length > 0) {
    console.error(`Generated code is out of date with proto/ — run \`npm run generate\` and commit:\n  ${problems.join("\n  ")}`);
    process.exit(1);
  }
  console.log(`generated code up to date (${want.size} files)`);
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
