import { mkdirSync, mkdtempSync, readlinkSync, rmSync, symlinkSync, writeFileSync, lstatSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { linkDependencies, resolveCommit } from "./revision-services.ts";

describe("linkDependencies", () => {
  const dir = mkdtempSync(join(tmpdir(), "bench-link-deps-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("links installed packages to this checkout's and keeps workspace packages pointing inside the revision", () => {
    const from = join(dir, "here", "node_modules");
    mkdirSync(join(from, "jose"), { recursive: true });
    writeFileSync(join(from, "jose", "package.json"), "{}");
    mkdirSync(join(from, "@grpc", "grpc-js"), { recursive: true });
    mkdirSync(join(from, "@grpc-edge"), { recursive: true });
    symlinkSync("../../services/kit", join(from, "@grpc-edge", "service-kit"));
    const to = join(dir, "revision", "node_modules");
    linkDependencies(from, to);
    expect(readlinkSync(join(to, "jose"))).toBe(join(from, "jose"));
    expect(lstatSync(join(to, "@grpc")).isDirectory()).toBe(true);
    expect(readlinkSync(join(to, "@grpc", "grpc-js"))).toBe(join(from, "@grpc", "grpc-js"));
    expect(readlinkSync(join(to, "@grpc-edge", "service-kit"))).toBe("../../services/kit");
  });
});

describe("resolveCommit", () => {
  it("gives the full commit id of a revision and refuses what is not one", () => {
    expect(resolveCommit("HEAD")).toMatch(/^[0-9a-f]{40}$/);
    expect(() => resolveCommit("--output=/tmp/x")).toThrow(/not a git revision/);
    expect(() => resolveCommit("no-such-branch-here")).toThrow();
  });
});
