// The gateway's layout rules, checked on the files: no folder of workers/gateway/src
// imports, directly or not, a folder that imports it back; test kits live outside src/;
// no two test files share a name (a failing test is found by its name).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const gateway = fileURLToPath(new URL("../workers/gateway/", import.meta.url));
const src = path.join(gateway, "src");

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => !file.includes(`${path.sep}node_modules${path.sep}`));
}

const relativeImport = /(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g;

/** Folder (relative to src/) → the folders its non-test files import from. */
function folderImports(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of filesUnder(src).filter((f) => !f.endsWith(".test.ts"))) {
    const from = path.relative(src, path.dirname(file));
    for (const [, spec] of readFileSync(file, "utf8").matchAll(relativeImport)) {
      const to = path.relative(src, path.dirname(path.resolve(path.dirname(file), spec!)));
      if (to !== from && !to.startsWith("..")) graph.set(from, (graph.get(from) ?? new Set()).add(to));
    }
  }
  return graph;
}

describe("workers/gateway layout", () => {
  it("has no import cycle between the folders of src/", () => {
    const graph = folderImports();
    expect(graph.size).toBeGreaterThan(5);
    const cyclic = [...graph.keys()].filter((start) => {
      const seen = new Set<string>();
      const stack = [...(graph.get(start) ?? [])];
      while (stack.length > 0) {
        const next = stack.pop()!;
        if (next === start) return true;
        if (seen.has(next)) continue;
        seen.add(next);
        stack.push(...(graph.get(next) ?? []));
      }
      return false;
    });
    expect(cyclic).toEqual([]);
  });

  it("keeps test kits out of src/: only *.test.ts files there import vitest or name themselves a test kit", () => {
    const offenders = filesUnder(src).filter(
      (file) => !file.endsWith(".test.ts") && (/test-kit/.test(path.basename(file)) || /from "vitest"/.test(readFileSync(file, "utf8"))),
    );
    expect(offenders.map((f) => path.relative(gateway, f))).toEqual([]);
  });

  it("has no two test files with the same name", () => {
    const names = filesUnder(gateway)
      .filter((file) => file.endsWith(".test.ts"))
      .map((file) => path.basename(file));
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
  });
});
