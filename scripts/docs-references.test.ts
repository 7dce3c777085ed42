// The docs name files as `path/to/file.ts`; every such path must exist, so a move or a rename
// that forgets the docs fails here instead of misleading a reader.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const documents = ["README.md", "CHANGELOG.md", "bench/README.md", ...readdirSync(path.join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
// A code span that is a repository path: starts with a top-level folder of this repository.
const repoPath = /^(?:\.ci|bench|docs|proto|scripts|services|terraform|test|workers)\/[\w./@-]*$/;

describe.each(documents)("%s", (document) => {
  it("names only files and folders that exist", () => {
    const text = readFileSync(path.join(root, document), "utf8");
    const named = [...text.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]!.replace(/[#:].*$/, "")).filter((p) => repoPath.test(p) && !p.includes("*") && !p.includes("<"));
    expect(named.filter((p) => !existsSync(path.join(root, p)))).toEqual([]);
  });
});
