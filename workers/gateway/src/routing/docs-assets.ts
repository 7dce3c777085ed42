import type { AssetsFetcher } from "../context/app-env.ts";

/** The /docs page's paths: wrangler.toml's [assets] run_worker_first names the same two patterns. */
export const DOCS_PATH_PATTERNS = ["/docs", "/docs/*"] as const;
/** The only methods the static page answers. */
export const DOCS_METHODS = ["GET", "HEAD"] as const;

export function isDocsPath(pathname: string): boolean {
  return pathname === "/docs" || pathname.startsWith("/docs/");
}

/**
 * The Worker runs first on /docs (run_worker_first), so the asset router cannot answer
 * another method with its empty 405: a GET or HEAD is handed to the ASSETS binding
 * (which applies _headers, the page's CSP, as on any asset response); anything else, and
 * a miss, is left to the app, which answers problem+json (405 with Allow, or 404).
 */
export async function serveDocsAsset(request: Request, assets: AssetsFetcher | undefined): Promise<Response | undefined> {
  if (assets === undefined || !(DOCS_METHODS as readonly string[]).includes(request.method)) return undefined;
  if (!isDocsPath(new URL(request.url).pathname)) return undefined;
  const res = await assets.fetch(request);
  if (res.status !== 404) return res;
  await res.body?.cancel();
  return undefined;
}
