// Re-renders the markdown report and the chart of a saved run, e.g. after a change
// to the report's layout:  node bench/render-results.ts bench/results/<date>.json
import { readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { renderChart } from "./render-chart.ts";
import { renderMarkdown } from "./report-markdown.ts";
import type { BenchResults } from "./results.ts";

export function chartOptions(r: BenchResults): { title: string; subtitle: string } {
  const o = r.options as { connections?: number; durationSec?: number; rounds?: number };
  return {
    title: `grpc-edge benchmark ${r.date}${r.quick ? " (quick)" : ""}: direct Connect call vs through the gateway`,
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
  const base = file.slice(0, -".json".length);
  writeFileSync(`${base}.svg`, renderChart(results.summaries, chartOptions(results)));
  writeFileSync(`${base}.md`, renderMarkdown(results, { chartPath: `./${basename(base)}.svg` }));
  process.stdout.write(`wrote ${base}.svg and ${base}.md\n`);
}
