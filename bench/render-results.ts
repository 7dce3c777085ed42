// Re-renders the markdown report and the chart of a saved run, e.g. after a change
// to the report's layout:  node bench/render-results.ts bench/results/<date>.json [--readme]
// (--readme: also put it in README.md's benchmark section).
import { readFileSync, writeFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { benchSectionBody, replaceBenchSection } from "./readme-section.ts";
import { renderChart } from "./render-chart.ts";
import { renderMarkdown } from "./report-markdown.ts";
import type { BenchResults } from "./results.ts";
import { dataSet } from "./seed-data.ts";
import { evaluateTargets } from "./targets.ts";

export function chartOptions(r: BenchResults): { title: string; subtitle: string } {
  const o = r.options as { connections?: number; durationSec?: number; rounds?: number };
  return {
    title: `grpc-edge benchmark ${r.date}${r.quick ? " (quick)" : ""}: direct call, gateway, Express + grpc-js peer`,
    subtitle: `${r.machine.cpuModel}, ${r.machine.cores} cores · wrk, ${o.connections} connections · ${o.durationSec} s × ${o.rounds} round(s) per bar · commit ${r.machine.gitCommit}`,
  };
}

if (import.meta.main) {
  const file = process.argv[2];
  if (!file?.endsWith(".json")) {
    process.stderr.write("usage: node bench/render-results.ts bench/results/<date>.json\n");
    process.exit(2);
  }
  const results = JSON.parse(readFileSync(file, "utf8")) as BenchResults;
  // Targets are judged again, so a change to their wording or rules reaches saved runs.
  results.targets = evaluateTargets({ ...results, smallSetUsers: dataSet("small", { users: 0, orders: 0 }).users });
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  const base = file.slice(0, -".json".length);
  writeFileSync(`${base}.svg`, renderChart(results.summaries, chartOptions(results)));
  writeFileSync(`${base}.md`, renderMarkdown(results, { chartPath: `./${basename(base)}.svg` }));
  if (process.argv.includes("--readme")) {
    const root = fileURLToPath(new URL("..", import.meta.url));
    const rel = (ext: string) => relative(root, `${base}.${ext}`);
    const readme = join(root, "README.md");
    writeFileSync(readme, replaceBenchSection(readFileSync(readme, "utf8"), benchSectionBody(results, { json: rel("json"), md: rel("md"), svg: rel("svg") })));
  }
  process.stdout.write(`wrote ${base}.json (targets), ${base}.svg and ${base}.md${process.argv.includes("--readme") ? " and README.md" : ""}\n`);
}
