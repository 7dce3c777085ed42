// The security headers' values, apart from the middleware that sets them (security-headers.ts):
// no imports, so the benchmark's floor Worker can send exactly the same (bench/workerd-config.ts).

/** One year, the preload list's minimum. */
export const HSTS = "max-age=31536000; includeSubDomains";

/**
 * The headers that protect a JSON API in a browser (OWASP's REST Security Cheat Sheet, plus
 * Cross-Origin-Resource-Policy against no-cors embedding): a CSP that lets an answer load and
 * frame nothing, no sniffing, no framing, no referrer. Hono's secureHeaders adds six more that
 * only concern HTML documents or long-gone browsers (Cross-Origin-Opener-Policy,
 * Origin-Agent-Cluster, X-DNS-Prefetch-Control, X-Download-Options,
 * X-Permitted-Cross-Domain-Policies, X-XSS-Protection): the API serves no HTML (the /docs page
 * has its own, from _headers), and each header costs every answer ~3 µs of workerd CPU and
 * ~35 bytes (bench/README.md). Written out once: building them per request cost ~5 %.
 */
export const EVERY_ANSWER: readonly (readonly [string, string])[] = [
  ["Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"],
  ["Cross-Origin-Resource-Policy", "same-origin"],
  ["Referrer-Policy", "no-referrer"],
  ["X-Content-Type-Options", "nosniff"],
  ["X-Frame-Options", "DENY"],
];
