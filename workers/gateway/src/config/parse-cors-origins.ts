import { configError } from "../errors/gateway-error.ts";

/**
 * CORS_ALLOWED_ORIGINS: comma-separated origins ("https://app.example.com,http://localhost:5173"),
 * each exactly as a browser sends it in `Origin` (scheme, host, optional port; no path, no
 * trailing slash). Empty: no cross-origin access. No "*": the API takes bearer tokens, and a
 * wildcard would let any site script it with a token it got hold of.
 */
export function parseCorsOrigins(raw: string | undefined): readonly string[] {
  const origins = (raw ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined || (parsed.protocol !== "https:" && parsed.protocol !== "http:") || parsed.origin !== origin) {
      throw configError("CORS_ALLOWED_ORIGINS must list origins like https://app.example.com, separated by commas");
    }
  }
  return origins;
}
