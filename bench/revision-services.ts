// The services of another git revision, built as its images build them, for A/B runs
// (ab-env.ts --rev-a/--rev-b): `git archive` of the revision into a folder, this
// checkout's installed dependencies linked in (the workspace packages point at the
// revision's own sources), then `scripts/build-service.ts` of that revision.
// The revision runs on the dependencies installed here, not on its own lock file.
import { execFileSync } from "node:child_process";
import { lstatSync, mkdirSync, readdirSync, readlinkSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

export interface RevisionCheckout {
  /** The folder holding the revision's files (the repository root of that revision). */
  root: string;
  commit: string;
}

/** Full commit id of `rev` in this repository; throws with git's message when it is unknown. */
export function resolveCommit(rev: string): string {
  if (!/^[\w./~^@{}-]+$/.test(rev) || rev.startsWith("-")) throw new Error(`not a git revision: ${rev}`);
  return execFileSync("git", ["rev-parse", "--verify", "--quiet", `${rev}^{commit}`], { cwd: root, encoding: "utf8" }).trim();
}

/**
 * node_modules for the checkout: every installed package linked to this checkout's,
 * except the workspace packages (relative links), which keep pointing inside the checkout.
 */
export function linkDependencies(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from)) {
    const source = join(from, entry);
    const target = join(to, entry);
    const stat = lstatSync(source);
    if (stat.isSymbolicLink() && !readlinkSync(source).startsWith("/")) {
      symlinkSync(readlinkSync(source), target); // a workspace package: the revision's own
    } else if (entry.startsWith("@") && stat.isDirectory()) {
      linkDependencies(source, target);
    } else {
      symlinkSync(source, target);
    }
  }
}

/** Extracts `rev` under `parent` and builds both services' bundles there. */
export function checkoutServices(rev: string, parent: string): RevisionCheckout {
  const commit = resolveCommit(rev);
  const dir = join(parent, `rev-${commit.slice(0, 12)}`);
  mkdirSync(dir, { recursive: true });
  const archive = execFileSync("git", ["archive", "--format=tar", commit], { cwd: root, maxBuffer: 1 << 30 });
  execFileSync("tar", ["-x", "-C", dir], { input: archive });
  linkDependencies(join(root, "node_modules"), join(dir, "node_modules"));
  for (const service of ["order", "user"] as const) {
    execFileSync(process.execPath, [join(dir, "scripts/build-service.ts"), service], { cwd: dir, stdio: ["ignore", "ignore", "inherit"] });
  }
  return { root: dir, commit };
}
