// RE2's `\s`: ASCII whitespace without \v (JavaScript's also takes \v and Unicode spaces).
const space = "\\t\\n\\f\\r ";

const patterns = new Map<string, RegExp | undefined>();

/**
 * A `string.pattern` (RE2 syntax, as protovalidate runs it) as a JavaScript RegExp that
 * matches the same strings, or undefined where the two engines could disagree — the
 * service's RE2 judges those. Rewritten: `.` (RE2 excludes only \n; JavaScript also
 * \r, U+2028, U+2029), `\s` / `\S` (ASCII in RE2), escaped punctuation. Given up:
 * `(?` groups other than `(?:` (flags, named groups, lookaround), backreferences and
 * octal escapes, `\S` or `\b` in a class, and everything the `u` flag rejects (POSIX
 * classes, `\pL`, `\x{…}`, `\z`, `\Q…\E`, a literal `{`).
 */
export function re2Pattern(source: string): RegExp | undefined {
  if (!patterns.has(source)) patterns.set(source, compile(source));
  return patterns.get(source);
}

function compile(source: string): RegExp | undefined {
  let out = "";
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === "\\") {
      const n = source[++i];
      if (n === undefined || /[0-9]/.test(n) || (inClass && (n === "S" || n === "b"))) return undefined;
      if (n === "s") out += inClass ? space : `[${space}]`;
      else if (n === "S") out += `[^${space}]`;
      // An escaped ASCII punctuation character is itself in RE2; \xHH reads so in both contexts.
      else if (/[!-/:-@[-`{-~]/.test(n)) out += `\\x${n.charCodeAt(0).toString(16).padStart(2, "0")}`;
      else out += `\\${n}`; // \d \w \b \n \t \p{L} … mean the same; the rest fail below.
    } else if (inClass) {
      if (c === "]") inClass = false;
      out += c;
    } else if (c === "[") {
      inClass = true;
      out += c;
      if (source[i + 1] === "^") out += source[++i];
    } else if (c === "(" && source[i + 1] === "?" && source[i + 2] !== ":") {
      return undefined;
    } else {
      out += c === "." ? "[^\\n]" : c;
    }
  }
  try {
    return new RegExp(out, "u");
  } catch {
    return undefined;
  }
}
