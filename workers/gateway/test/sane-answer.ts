// What every answer of the gateway must look like, whatever was asked: the invariant the
// REST fuzz tests hold it to.

const problemKeys = ["code", "detail", "requestId", "status", "title", "type"];
/** Upstream unavailability and deadlines are deliberate 5xx answers; anything else 5xx is a bug. */
const deliberate5xx = new Set([503, 504]);

/**
 * Returns what is wrong with the answer (undefined: nothing): a 5xx other than 503/504,
 * an error that is not RFC 9457 problem JSON with the documented fields, or a 2xx that
 * is not JSON.
 */
export async function insaneAnswer(method: string, res: Response): Promise<string | undefined> {
  const text = await res.text();
  const type = res.headers.get("content-type") ?? "";
  if (res.status >= 500 && !deliberate5xx.has(res.status)) return `status ${res.status}: ${text.slice(0, 300)}`;
  if (res.status < 100 || res.status > 599) return `status ${res.status}`;
  if (method.toUpperCase() === "HEAD") return text === "" ? undefined : "HEAD answered with a body";
  if (res.status >= 400) {
    if (type !== "application/problem+json") return `${res.status} with content-type ${type}: ${text.slice(0, 200)}`;
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return `${res.status}: problem body is not JSON: ${text.slice(0, 200)}`;
    }
    const keys = Object.keys(body).sort();
    const expected = "violations" in body ? [...problemKeys, "violations"].sort() : problemKeys;
    if (JSON.stringify(keys) !== JSON.stringify(expected)) return `${res.status}: problem fields ${keys.join(",")}`;
    if (body.status !== res.status) return `problem status ${String(body.status)} on a ${res.status}`;
    if (typeof body.type !== "string" || !body.type.startsWith("https://grpc-edge.dev/problems/")) return `problem type ${String(body.type)}`;
    for (const key of ["title", "detail", "code", "requestId"]) {
      if (typeof body[key] !== "string" || body[key] === "") return `problem ${key} is ${JSON.stringify(body[key])}`;
    }
    if (body.requestId !== res.headers.get("x-request-id")) return "problem requestId differs from X-Request-Id";
    if ("violations" in body) {
      const violations = body.violations;
      if (!Array.isArray(violations) || violations.length === 0) return "violations is not a non-empty array";
      for (const v of violations as Record<string, unknown>[]) {
        if (typeof v.field !== "string" || typeof v.message !== "string" || Object.keys(v).length !== 2) return `bad violation ${JSON.stringify(v)}`;
      }
    }
    return undefined;
  }
  if (res.status === 204 || res.status === 304) return text === "" ? undefined : `${res.status} with a body`;
  // Redirects (workerd's static assets: /docs → /docs/) and the docs page itself.
  if (res.status >= 300 || /^text\/html\b/.test(type)) return undefined;
  if (!/^application\/json\b/.test(type)) return `${res.status} with content-type ${type}`;
  try {
    JSON.parse(text);
  } catch {
    return `${res.status}: body is not JSON`;
  }
  return undefined;
}
