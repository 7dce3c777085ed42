import { decodeSegment, matchPathTemplate, splitPath, type PathVariables } from "./match-path-template.ts";
import type { PathTemplate } from "./path-template.ts";

/** What the router needs of a binding; HttpBinding in the app, plain objects in tests. */
export interface Routable {
  httpMethod: string;
  template: PathTemplate;
}

export type RouteResult<B> =
  | { kind: "found"; binding: B; vars: PathVariables }
  /** The path exists, for other methods only. */
  | { kind: "method-not-allowed"; allow: string[] }
  | { kind: "not-found" };

export interface Router<B> {
  route(method: string, rawPath: string): RouteResult<B>;
}

const methodOrder = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];

/**
 * Method + raw path → the binding and its captured variables. When several templates
 * match, the most specific wins: one with a matching custom verb, then literals over
 * variables, segment by segment, then `*` over `**`. HEAD is served by GET bindings.
 */
export function createRouter<B extends Routable>(bindings: readonly B[]): Router<B> {
  const ordered = [...bindings].sort((a, b) => compareSpecificity(a.template, b.template));
  return {
    route(method, rawPath) {
      const wanted = method.toUpperCase() === "HEAD" ? "GET" : method.toUpperCase();
      const segments = splitPath(rawPath);
      // A path that is not percent-encoded UTF-8 is a bad request whatever it names;
      // checked first so it cannot surface as a 400 from a binding of another method.
      segments.forEach(decodeSegment);
      const allow = new Set<string>();
      let verbMatched = false;
      for (const binding of ordered) {
        const vars = matchPathTemplate(binding.template, segments);
        if (vars === undefined) continue;
        // "/orders/1:cancel" is the cancel endpoint, never order "1:cancel".
        if (binding.template.verb !== undefined) verbMatched = true;
        else if (verbMatched) continue;
        if (binding.httpMethod === wanted) return { kind: "found", binding, vars };
        allow.add(binding.httpMethod);
      }
      if (allow.size === 0) return { kind: "not-found" };
      if (allow.has("GET")) allow.add("HEAD");
      return { kind: "method-not-allowed", allow: [...allow].sort(byMethodOrder) };
    },
  };
}

function compareSpecificity(a: PathTemplate, b: PathTemplate): number {
  if ((a.verb === undefined) !== (b.verb === undefined)) return a.verb === undefined ? 1 : -1;
  const rank = (t: PathTemplate, i: number) => {
    const kind = t.segments[i]?.kind;
    return kind === "literal" ? 0 : kind === "wildcard" ? 1 : kind === "deep-wildcard" ? 2 : 3;
  };
  const length = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < length; i++) {
    const diff = rank(a, i) - rank(b, i);
    if (diff !== 0) return diff;
  }
  return 0;
}

function byMethodOrder(a: string, b: string): number {
  const rank = (m: string) => (methodOrder.includes(m) ? methodOrder.indexOf(m) : methodOrder.length);
  return rank(a) - rank(b) || a.localeCompare(b);
}
