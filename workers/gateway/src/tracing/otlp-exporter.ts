import type { SpanExporter } from "./gateway-span.ts";
import { otlpTracesJson } from "./otlp-json.ts";

export interface OtlpExporterOptions {
  /** OTLP/HTTP base URL; spans go to `{endpoint}/v1/traces`. */
  endpoint: string;
  serviceName: string;
  /** Defaults to the global fetch, looked up per call so tests can stub it. */
  fetch?: typeof fetch;
}

/**
 * POSTs a request's spans as OTLP JSON. Runs under ctx.waitUntil, after the response:
 * a slow or failing collector costs the client nothing, and a failure is one warning
 * line, never an exception (the spans of that request are dropped).
 */
export function otlpExporter({ endpoint, serviceName, fetch: fetchFn }: OtlpExporterOptions): SpanExporter {
  const url = `${endpoint.replace(/\/+$/, "")}/v1/traces`;
  return async (spans) => {
    try {
      const res = await (fetchFn ?? globalThis.fetch)(url, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(otlpTracesJson(serviceName, spans)),
        signal: AbortSignal.timeout(5_000),
      });
      // The body must be read (or cancelled) for workerd to reuse the connection.
      await res.body?.cancel();
      if (!res.ok) console.warn(JSON.stringify({ msg: "trace export rejected", status: res.status }));
    } catch (err) {
      console.warn(JSON.stringify({ msg: "trace export failed", error: String(err) }));
    }
  };
}
