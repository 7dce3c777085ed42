import { Code, ConnectError } from "@connectrpc/connect";
import type { PathTemplate } from "./path-template.ts";

/** Captured variables, by dotted field path as written in the template ("book.name"). */
export type PathVariables = ReadonlyMap<string, string>;

/** A request path ("/api/users/1") as its raw, still percent-encoded segments. */
export function splitPath(rawPath: string): string[] {
  return rawPath.startsWith("/") ? rawPath.slice(1).split("/") : [];
}

/**
 * Matches raw path segments against a template: the captured variables, or undefined.
 * A one-segment variable is percent-decoded; a multi-segment one keeps "%2F" encoded
 * so its slashes stay unambiguous (google.api.http's rule). Malformed escapes are 400.
 */
export function matchPathTemplate(template: PathTemplate, rawSegments: readonly string[]): PathVariables | undefined {
  let parts = rawSegments;
  if (template.verb !== undefined) {
    const suffix = `:${template.verb}`;
    const last = parts.at(-1);
    if (last === undefined || !last.endsWith(suffix)) return undefined;
    parts = [...parts.slice(0, -1), last.slice(0, -suffix.length)];
  }
  const { segments } = template;
  const deep = segments.at(-1)?.kind === "deep-wildcard";
  const fixed = deep ? segments.length - 1 : segments.length;
  if (deep ? parts.length < fixed : parts.length !== fixed) return undefined;
  // Empty segments ("//", a trailing "/") never match: "/api/users/" is not "/api/users/{id}".
  if (parts.includes("")) return undefined;
  for (let k = 0; k < fixed; k++) {
    const segment = segments[k]!;
    if (segment.kind === "literal" && segment.value !== parts[k]) return undefined;
  }

  const vars = new Map<string, string>();
  for (const variable of template.variables) {
    const end = deep && variable.end === segments.length ? parts.length : variable.end;
    const captured = parts.slice(variable.start, end);
    const value =
      variable.end - variable.start === 1 && !(deep && variable.end === segments.length)
        ? decodeSegment(captured[0]!)
        : captured.map((p) => p.split(/%2F/i).map(decodeSegment).join("%2F")).join("/");
    vars.set(variable.fieldPath.join("."), value);
  }
  return vars;
}

/** One raw path segment, percent-decoded; a malformed escape or invalid UTF-8 is INVALID_ARGUMENT. */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ConnectError("the path has a malformed percent-encoding", Code.InvalidArgument);
  }
}
