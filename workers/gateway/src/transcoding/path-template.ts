/** One segment of a google.api.http path template. */
export type TemplateSegment =
  | { kind: "literal"; value: string }
  /** `*`: exactly one non-empty segment. */
  | { kind: "wildcard" }
  /** `**`: the rest of the path, zero or more segments; only last. */
  | { kind: "deep-wildcard" };

export interface TemplateVariable {
  /** The field path as written, e.g. ["book", "name"] for `{book.name=shelves/*}`. */
  fieldPath: readonly string[];
  /** Index of the first segment the variable captures. */
  start: number;
  /** Index after its last segment. */
  end: number;
}

export interface PathTemplate {
  source: string;
  segments: readonly TemplateSegment[];
  variables: readonly TemplateVariable[];
  /** The custom verb after the last segment (`:cancel` → "cancel"). */
  verb?: string;
}

const ident = /^[A-Za-z_][A-Za-z0-9_]*$/;
// A literal is one URL path segment without the template's own syntax characters.
const literalChar = /[^/{}*:=?#\s]/;

/**
 * Parses a path template (google/api/http.proto grammar):
 *
 *     Template = "/" Segments [ Verb ] ;
 *     Segments = Segment { "/" Segment } ;
 *     Segment  = "*" | "**" | LITERAL | Variable ;
 *     Variable = "{" FieldPath [ "=" Segments ] "}" ;
 *     Verb     = ":" LITERAL ;
 *
 * Throws on anything else, so a bad annotation fails at start-up, not per request.
 */
export function parsePathTemplate(source: string): PathTemplate {
  const segments: TemplateSegment[] = [];
  const variables: TemplateVariable[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`invalid path template "${source}": ${why}`);
  };
  const literal = (): string => {
    const start = i;
    while (i < source.length && literalChar.test(source[i]!)) i++;
    return source.slice(start, i);
  };

  const segmentList = (inVariable: boolean): void => {
    for (;;) {
      if (source.startsWith("**", i)) {
        segments.push({ kind: "deep-wildcard" });
        i += 2;
      } else if (source[i] === "*") {
        segments.push({ kind: "wildcard" });
        i += 1;
      } else if (source[i] === "{") {
        if (inVariable) fail("variables cannot nest");
        i += 1;
        const close = source.slice(i).search(/[=}]/);
        if (close < 0) fail("unclosed variable");
        const fieldPath = source.slice(i, i + close).split(".");
        if (!fieldPath.every((name) => ident.test(name))) fail(`"${fieldPath.join(".")}" is not a field path`);
        i += close;
        const start = segments.length;
        if (source[i] === "=") {
          i += 1;
          segmentList(true);
        } else {
          segments.push({ kind: "wildcard" });
        }
        if (source[i] !== "}") fail("unclosed variable");
        i += 1;
        variables.push({ fieldPath, start, end: segments.length });
      } else {
        const value = literal();
        if (value === "") fail(`unexpected "${source[i] ?? "end"}" at ${i}`);
        segments.push({ kind: "literal", value });
      }
      if (source[i] !== "/") return;
      i += 1;
    }
  };

  if (source[0] !== "/") fail('must start with "/"');
  i = 1;
  segmentList(false);
  let verb: string | undefined;
  if (source[i] === ":") {
    i += 1;
    verb = literal();
    if (verb === "") fail("empty verb");
  }
  if (i !== source.length) fail(`unexpected "${source[i]}" at ${i}`);

  const deep = segments.findIndex((s) => s.kind === "deep-wildcard");
  if (deep >= 0 && deep !== segments.length - 1) fail('"**" must be the last segment');
  const names = variables.map((v) => v.fieldPath.join("."));
  if (new Set(names).size !== names.length) fail("a field is bound twice");
  return { source, segments, variables, ...(verb === undefined ? {} : { verb }) };
}
