// A hand-written SVG bar chart of a run: throughput (top) and p99 latency (bottom)
// for each request, database and data set, direct beside gateway beside the Express +
// grpc-js peer (when the run has it). No dependencies.
import type { DatabaseKind, DataSetName, PathName, ScenarioName } from "./options.ts";
import { findSummary, requestLabel, type Summary } from "./results.ts";

const colors: Record<PathName, string> = { direct: "#4c78a8", gateway: "#f58518", peer: "#54a24b" };
const legendText: Record<PathName, string> = { direct: "direct Connect call", gateway: "through the gateway", peer: "through the Express + grpc-js peer" };
const dbShort: Record<DatabaseKind, string> = { postgres: "PG", pglite: "PGlite" };

interface Group {
  scenario: ScenarioName;
  database: DatabaseKind;
  dataSet: DataSetName;
  direct?: Summary;
  gateway?: Summary;
  peer?: Summary;
}

function groupsOf(summaries: readonly Summary[]): Group[] {
  const groups: Group[] = [];
  for (const s of summaries) {
    if (groups.some((g) => g.scenario === s.scenario && g.database === s.database && g.dataSet === s.dataSet)) continue;
    const at = { scenario: s.scenario, database: s.database, dataSet: s.dataSet };
    groups.push({
      ...at,
      direct: findSummary(summaries, { ...at, path: "direct" }),
      gateway: findSummary(summaries, { ...at, path: "gateway" }),
      peer: findSummary(summaries, { ...at, path: "peer" }),
    });
  }
  return groups;
}

/** A round axis maximum and its tick step: 1, 2 or 5 × 10^n. */
export function niceScale(max: number, ticks = 5): { max: number; step: number } {
  if (!(max > 0)) return { max: 1, step: 0.2 };
  const raw = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  return { max: Math.ceil(max / step) * step, step };
}

const escape = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
const short = (n: number) =>
  n >= 10_000 ? `${(n / 1000).toFixed(0)}k` : n >= 1000 ? `${(n / 1000).toFixed(1)}k` : n >= 10 || Number.isInteger(n) ? n.toFixed(0) : n.toFixed(1);

export function renderChart(summaries: readonly Summary[], options: { title: string; subtitle?: string }): string {
  const groups = groupsOf(summaries);
  const paths = (["direct", "gateway", "peer"] as const).filter((p) => summaries.some((s) => s.path === p));
  const bar = 18;
  const groupWidth = paths.length * bar + 22;
  const scenarioGap = 18;
  const left = 70;
  const right = 20;
  const panelHeight = 200;
  const scenarios = [...new Set(groups.map((g) => g.scenario))];
  // Each request's block is wide enough for its label; its groups are centred in it.
  const labelWidth = 210;
  const blocks = scenarios.map((scenario) => {
    const count = groups.filter((g) => g.scenario === scenario).length;
    return { scenario, count, width: Math.max(count * groupWidth, labelWidth) };
  });
  const plotWidth = blocks.reduce((a, b) => a + b.width, 0) + (blocks.length - 1) * scenarioGap;
  const width = Math.max(left + plotWidth + right, 900);
  const out: string[] = [];

  const blockLeft = new Map<ScenarioName, number>();
  let x = left;
  for (const block of blocks) {
    blockLeft.set(block.scenario, x);
    x += block.width + scenarioGap;
  }
  const xs = groups.map((g) => {
    const block = blocks.find((b) => b.scenario === g.scenario)!;
    const index = groups.filter((o) => o.scenario === g.scenario).indexOf(g);
    return blockLeft.get(g.scenario)! + (block.width - block.count * groupWidth) / 2 + index * groupWidth;
  });

  const panel = (top: number, label: string, value: (s: Summary) => number, unit: string) => {
    const values = groups.flatMap((g) => paths.map((p) => g[p]).filter((s): s is Summary => s !== undefined).map(value));
    const scale = niceScale(Math.max(0, ...values));
    const y = (v: number) => top + panelHeight - (v / scale.max) * panelHeight;
    out.push(`<text x="${left - 56}" y="${top - 10}" class="axis-title">${escape(label)}</text>`);
    for (let v = 0; v <= scale.max + scale.step / 2; v += scale.step) {
      out.push(`<line x1="${left}" x2="${left + plotWidth}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" class="grid"/>`);
      out.push(`<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" class="tick" text-anchor="end">${short(v)}${unit}</text>`);
    }
    groups.forEach((g, i) => {
      paths.forEach((path, j) => {
        const s = g[path];
        if (!s) return;
        const v = value(s);
        const bx = xs[i]! + 11 + j * bar;
        const by = y(v);
        out.push(
          `<rect x="${bx}" y="${by.toFixed(1)}" width="${bar - 2}" height="${(top + panelHeight - by).toFixed(1)}" fill="${colors[path]}">` +
            `<title>${escape(`${requestLabel[g.scenario]}, ${g.database}, ${g.dataSet}, ${path}: ${v.toFixed(2)}${unit}`)}</title></rect>`,
        );
        out.push(`<text x="${bx + (bar - 2) / 2}" y="${(by - 3).toFixed(1)}" class="value" text-anchor="middle">${short(v)}</text>`);
      });
    });
  };

  const top1 = 100;
  panel(top1, "Throughput (requests/s, higher is better)", (s) => s.rps, "");
  const top2 = top1 + panelHeight + 84;
  panel(top2, "p99 latency (ms, lower is better)", (s) => s.latencyMs.p99, "");

  // Group labels under each panel, request names under the lower one.
  for (const top of [top1, top2]) {
    groups.forEach((g, i) => {
      const cx = xs[i]! + groupWidth / 2;
      out.push(`<text x="${cx}" y="${top + panelHeight + 14}" class="tick" text-anchor="middle">${dbShort[g.database]}</text>`);
      out.push(`<text x="${cx}" y="${top + panelHeight + 26}" class="tick" text-anchor="middle">${g.dataSet}</text>`);
    });
  }
  for (const block of blocks) {
    const middle = blockLeft.get(block.scenario)! + block.width / 2;
    for (const top of [top1, top2]) {
      out.push(`<text x="${middle}" y="${top + panelHeight + 44}" class="label" text-anchor="middle">${escape(requestLabel[block.scenario])}</text>`);
    }
  }
  const height = top2 + panelHeight + 58;
  const legend = paths
    .map((path, i) => {
      const lx = left - 56 + i * 150;
      return `<rect x="${lx}" y="50" width="12" height="12" fill="${colors[path]}"/><text x="${lx + 16}" y="60" class="tick">${legendText[path]}</text>`;
    })
    .join("");
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif">`,
    `<style>.grid{stroke:#e3e3e3;stroke-width:1}.tick{font-size:11px;fill:#444}.value{font-size:9px;fill:#222}.label{font-size:12px;fill:#222;font-weight:600}.axis-title{font-size:13px;fill:#222;font-weight:600}.title{font-size:16px;font-weight:700;fill:#111}.subtitle{font-size:11px;fill:#555}</style>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${left - 56}" y="24" class="title">${escape(options.title)}</text>`,
    options.subtitle ? `<text x="${left - 56}" y="42" class="subtitle">${escape(options.subtitle)}</text>` : "",
    legend,
    ...out,
    `</svg>`,
    "",
  ].join("\n");
}
