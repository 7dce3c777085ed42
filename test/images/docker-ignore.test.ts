import { describe, expect, it } from "vitest";
import { isIgnored, parseDockerIgnore } from "./docker-ignore.ts";

// Docker's rules (moby/patternmatcher), case by case.
describe("isIgnored", () => {
  it.each([
    // a name matches at the context root only, and takes a directory's contents along
    [["node_modules"], "node_modules/x/index.js", true],
    [["node_modules"], "services/kit/node_modules/x.js", false],
    [["**/node_modules"], "services/kit/node_modules/x.js", true],
    [["**/node_modules"], "node_modules/x.js", true],
    // `*` and `?` stay within a segment; `**` crosses them
    [["*.log"], "debug.log", true],
    [["*.log"], "logs/debug.log", false],
    [["**/*.test.ts"], "services/kit/src/a.test.ts", true],
    [["**/*.test.ts"], "a.test.ts", true],
    [["services/*/dist"], "services/user/dist/main.js", true],
    [["services/*/dist"], "services/user/src/dist.ts", false],
    [["services/**/fixtures"], "services/user/test/fixtures/a.json", true],
    [["?.txt"], "a.txt", true],
    [["?.txt"], "ab.txt", false],
    [["[ab].txt"], "b.txt", true],
    [["[^ab].txt"], "b.txt", false],
    [["[^ab].txt"], "c.txt", true],
    [[".env*"], ".env.local", true],
    // leading and trailing slashes are cleaned away
    [["/terraform/"], "terraform/main.tf", true],
    [["./docs"], "docs/a.md", true],
    // `!` takes a path back in, even inside an excluded directory; the last match wins
    [["test", "!test/openapi-codegen/package.json"], "test/openapi-codegen/package.json", false],
    [["test", "!test/openapi-codegen/package.json"], "test/openapi-codegen/index.ts", true],
    [["!docs/a.md", "docs"], "docs/a.md", true],
    [["# a comment", "", "bench"], "bench/run.ts", true],
    [["bench"], "benchmark/x.ts", false],
  ] as const)("%j, %s → ignored: %s", (lines, path, ignored) => {
    expect(isIgnored(parseDockerIgnore(lines.join("\n")), path)).toBe(ignored);
  });
});
