// `npm test` runs the vitest projects of vitest.config.ts: a test file no project includes would
// silently never run, one two projects include would run twice.
import { globSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import config from "../vitest.config.ts";

interface ProjectTest {
  name: string;
  include: string[];
  exclude?: string[];
}

const root = fileURLToPath(new URL("..", import.meta.url));
const rootExclude = config.test?.exclude ?? [];
const projects = (config.test?.projects ?? []).map((p) => (p as { test: ProjectTest }).test);
const matches = (file: string, globs: readonly string[]) => globs.some((glob) => path.matchesGlob(file, glob));

describe("the vitest projects", () => {
  it("include every test file of the repository exactly once", () => {
    const files = globSync("**/*.test.ts", { cwd: root, exclude: (name) => ["node_modules", "dist", ".wrangler", ".git"].includes(path.basename(name)) });
    expect(files.length).toBeGreaterThan(100);
    const owners = files.map((file) => [file, projects.filter((p) => matches(file, p.include) && !matches(file, p.exclude ?? rootExclude)).map((p) => p.name)]);
    expect(owners.filter(([, names]) => names.length !== 1)).toEqual([]);
  });

  it("find no two test files of the repository with the same name (a name says which test it is)", () => {
    const names = globSync("**/*.test.ts", { cwd: root, exclude: (name) => ["node_modules", "dist", ".wrangler", ".git"].includes(path.basename(name)) }).map((f) => path.basename(f));
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
  });

  it("are unit, integration, e2e and faults", () => {
    expect(projects.map((p) => p.name)).toEqual(["unit", "integration", "e2e", "faults"]);
  });
});
