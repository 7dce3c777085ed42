// npm run fuzz -- --runs 10000: the REST fuzz tests with more cases than `npm test` runs —
// that many in memory (workers/gateway/src/rest-surface.fuzz.test.ts), a tenth of them
// through workerd and the real services (test/e2e/rest-surface-end-to-end.fuzz.test.ts).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { runs: { type: "string", default: "10000" } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write(`--runs must be a positive integer, not ${values.runs}\n`);
  process.exit(2);
}
const root = fileURLToPath(new URL("..", import.meta.url));
const vitest = fileURLToPath(new URL("../node_modules/vitest/vitest.mjs", import.meta.url));
const files = ["workers/gateway/src/rest-surface.fuzz.test.ts", "test/e2e/rest-surface-end-to-end.fuzz.test.ts"];
process.stdout.write(`fuzzing the REST surface: ${runs} cases in memory, ${Math.max(50, Math.round(runs / 10))} through workerd\n`);
const result = spawnSync(process.execPath, [vitest, "run", ...files, "--testTimeout", "0"], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, FUZZ_RUNS: String(runs) },
});
process.exit(result.status ?? 1);
