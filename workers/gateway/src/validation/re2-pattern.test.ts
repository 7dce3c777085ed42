import { describe, expect, it } from "vitest";
import { re2Pattern } from "./re2-pattern.ts";

// Expectations are RE2's (protovalidate's engine): https://github.com/google/re2/wiki/Syntax
describe("re2Pattern: RE2 semantics in a JavaScript RegExp", () => {
  it.each([
    ["^a.b$", "a\rb", true],
    ["^a.b$", "a\u2028b", true],
    ["^a.b$", "a\nb", false],
    ["^\\s$", "\u000b", false],
    ["^\\s$", "\u00a0", false],
    ["^\\s+$", "\t\n\f\r ", true],
    ["^\\S$", "\u3000", true],
    ["^[^\\s]$", "\u00a0", true],
    ["^[a\\s]+$", "a a", true],
    ["^\\-\\.\\@$", "-.@", true],
    ["^[a\\-z]$", "-", true],
    ["^[a\\-z]$", "b", false],
    ["^\\p{L}+$", "é𝑎", true],
    ["^[a.]$", "b", false],
    ["^(?:ab)+$", "abab", true],
    ["^\\d+$", "١", false],
    ["^\\w+$", "é", false],
  ])("%j on %j → %s", (pattern, input, matches) => {
    expect(re2Pattern(pattern)?.test(input)).toBe(matches);
  });

  it.each([
    ["(?i)^ab$", "flags"],
    ["(?P<name>a)", "named groups"],
    ["a(?=b)", "lookahead (not RE2 at all)"],
    ["(a)\\1", "backreferences"],
    ["^[\\S]+$", "\\S inside a class"],
    ["^[[:alpha:]]+$", "POSIX classes"],
    ["^\\pL+$", "one-letter Unicode classes"],
    ["^\\x{61}$", "\\x{…}"],
    ["^a\\z", "\\z"],
    ["a{,3}", "a literal {"],
  ])("%j is left to the service (%s)", (pattern) => {
    expect(re2Pattern(pattern)).toBeUndefined();
  });
});
