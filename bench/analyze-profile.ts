// Summarises a V8 .cpuprofile (node --cpu-prof): where the CPU went, by function
// (self time) and by package, idle time left out.
//   node bench/analyze-profile.ts <file.cpuprofile> [--top 30]
import { readFileSync } from "node:fs";
import { SourceMap } from "node:module";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

/** Maps a minified position (0-based line and column) to its original source, e.g. through a source map. */
export type MapPosition = (url: string, line: number, column: number) => { source: string; line: number; name?: string } | undefined;

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface Hotspot {
  name: string;
  selfMs: number;
  /** Share of the non-idle time. */
  share: number;
}

/** "pg", "@connectrpc/connect", "node:internal", "(gc)", "app: services/user/src/…". */
export function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  if (url.startsWith("node:")) return "node:internal";
  const nm = url.lastIndexOf("node_modules/");
  if (nm !== -1) {
    const rest = url.slice(nm + "node_modules/".length).split("/");
    return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const m = /\/((?:services|workers|proto|scripts)\/.*)$/.exec(url);
  return m ? `app: ${m[1]!.split("/").slice(0, 3).join("/")}` : url;
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf("node_modules/");
  if (nm !== -1) return url.slice(nm + "node_modules/".length);
  const m = /\/((?:services|workers|proto|scripts)\/.*)$/.exec(url);
  return m ? m[1]! : url.replace(/^file:\/\//, "");
}

export function analyze(profile: CpuProfile, mapPosition?: MapPosition): { totalMs: number; idleMs: number; byFunction: Hotspot[]; byPackage: Hotspot[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  let idleUs = 0;
  let busyUs = 0;
  const fn = new Map<string, number>();
  const pkg = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber, columnNumber } = byId.get(id)!.callFrame;
    if (functionName === "(idle)") {
      idleUs += us;
      continue;
    }
    busyUs += us;
    const mapped = url ? mapPosition?.(url, lineNumber, columnNumber) : undefined;
    const name = mapped
      ? `${mapped.name ?? (functionName || "(anonymous)")} ${shortUrl(mapped.source)}:${mapped.line + 1}`
      : url
        ? `${functionName || "(anonymous)"} ${shortUrl(url)}:${lineNumber + 1}`
        : functionName || "(anonymous)";
    fn.set(name, (fn.get(name) ?? 0) + us);
    const p = mapped ? packageOf(mapped.source, functionName) : packageOf(url, functionName);
    pkg.set(p, (pkg.get(p) ?? 0) + us);
  }
  const list = (m: Map<string, number>) =>
    [...m].map(([name, us]) => ({ name, selfMs: us / 1000, share: busyUs ? us / busyUs : 0 })).sort((a, b) => b.selfMs - a.selfMs);
  return { totalMs: busyUs / 1000, idleMs: idleUs / 1000, byFunction: list(fn), byPackage: list(pkg) };
}

/** Names a minified bundle's frames (`bundleFile`, e.g. index.js) by the source map written beside it. */
export function sourceMapped(bundleFile: string, sourceMapJson: string): MapPosition {
  const sourceMap = new SourceMap(JSON.parse(sourceMapJson));
  return (url, line, column) => {
    if (!url.endsWith(bundleFile)) return undefined;
    // Node ≥ 20 also returns the original identifier, which @types/node does not declare yet.
    const entry = sourceMap.findEntry(line, column) as { originalSource?: string; originalLine?: number; name?: string };
    if (entry.originalSource === undefined || entry.originalLine === undefined) return undefined;
    return { source: entry.originalSource, line: entry.originalLine, ...(entry.name ? { name: entry.name } : {}) };
  };
}

if (import.meta.main) {
  const file = process.argv[2];
  const topIndex = process.argv.indexOf("--top");
  const top = topIndex === -1 ? 30 : Number(process.argv[topIndex + 1]);
  if (!file) {
    process.stderr.write("usage: node bench/analyze-profile.ts <file.cpuprofile> [--top 30]\n");
    process.exit(2);
  }
  const result = analyze(JSON.parse(readFileSync(file, "utf8")) as CpuProfile);
  const row = (h: Hotspot) => `${h.selfMs.toFixed(0).padStart(8)} ms ${(h.share * 100).toFixed(1).padStart(5)}%  ${h.name}`;
  process.stdout.write(`busy ${result.totalMs.toFixed(0)} ms, idle ${result.idleMs.toFixed(0)} ms\n\nby package (self time):\n`);
  process.stdout.write(`${result.byPackage.slice(0, top).map(row).join("\n")}\n\nby function (self time):\n`);
  process.stdout.write(`${result.byFunction.slice(0, top).map(row).join("\n")}\n`);
}
