// What `docker build` leaves out of the build context, by .dockerignore's rules as Docker
// applies them (moby/patternmatcher): paths relative to the context root, Go's
// filepath.Match wildcards (`*` and `?` stay inside one path segment, `[...]` classes,
// `\` escapes) plus `**` for any number of directories; a pattern that matches a directory
// leaves out everything under it; `!` takes a path back in; the last matching line wins.
import { readFileSync } from "node:fs";
import { join } from "node:path";

interface Rule {
  regex: RegExp;
  exclude: boolean;
}

const special = /[.+^${}()|\]\\/-]/;

/** One pattern (already cleaned) as an anchored regular expression over a relative path. */
export function patternToRegex(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === "*" && pattern[i + 1] === "*") {
      i++;
      // `**/` is zero or more whole directories; a trailing or inner `**` anything at all.
      if (pattern[i + 1] === "/") {
        i++;
        re += "(?:.*/)?";
      } else re += ".*";
    } else if (ch === "*") re += "[^/]*";
    else if (ch === "?") re += "[^/]";
    else if (ch === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end < 0) throw new Error(`.dockerignore: unclosed [ in ${pattern}`);
      const body = pattern.slice(i + 1, end);
      re += `[${body}]`; // Go's classes: `^` negates, as in a regular expression
      i = end;
    } else if (ch === "\\" && i + 1 < pattern.length) {
      i++;
      re += special.test(pattern[i]!) ? `\\${pattern[i]}` : pattern[i];
    } else re += special.test(ch) ? `\\${ch}` : ch;
  }
  return new RegExp(`^${re}$`);
}

/** Docker's cleaning of a line: no leading `/` or `./`, no trailing `/`, no empty or `.` segments. */
function clean(pattern: string): string {
  return pattern
    .split("/")
    .filter((segment) => segment !== "" && segment !== ".")
    .join("/");
}

/** The rules of a .dockerignore text, in order; comments and blank lines dropped. */
export function parseDockerIgnore(text: string): Rule[] {
  const rules: Rule[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const exclude = !line.startsWith("!");
    const pattern = clean(exclude ? line : line.slice(1).trim());
    if (pattern !== "") rules.push({ regex: patternToRegex(pattern), exclude });
  }
  return rules;
}

/** Whether `path` (relative to the context root, `/`-separated) stays out of the build context. */
export function isIgnored(rules: readonly Rule[], path: string): boolean {
  const segments = clean(path).split("/");
  // The path itself and every directory above it: a matched directory takes its contents along.
  const candidates = segments.map((_, i) => segments.slice(0, i + 1).join("/"));
  let ignored = false;
  for (const rule of rules) {
    if (candidates.some((candidate) => rule.regex.test(candidate))) ignored = rule.exclude;
  }
  return ignored;
}

/** The predicate of the context at `root`, by its .dockerignore. */
export function dockerIgnoreOf(root: string): (path: string) => boolean {
  const rules = parseDockerIgnore(readFileSync(join(root, ".dockerignore"), "utf8"));
  return (path) => isIgnored(rules, path);
}
