/**
 * The path (still percent-encoded, as URL.pathname gives it) and the query (without "?")
 * of a request URL the runtime has already normalized: two string slices instead of a
 * URL object per request. The router decodes path segments itself (match-path-template.ts).
 */
export function requestUrlParts(url: string): { pathname: string; search: string } {
  const pathStart = url.indexOf("/", url.indexOf("//") + 2);
  if (pathStart === -1) return { pathname: "/", search: "" };
  const queryStart = url.indexOf("?", pathStart);
  const hashStart = url.indexOf("#", pathStart);
  const pathEnd = queryStart !== -1 ? queryStart : hashStart !== -1 ? hashStart : url.length;
  const search = queryStart === -1 ? "" : url.slice(queryStart + 1, hashStart === -1 ? url.length : hashStart);
  return { pathname: url.slice(pathStart, pathEnd), search };
}
