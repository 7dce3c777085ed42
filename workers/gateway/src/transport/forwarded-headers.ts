import { IDEMPOTENCY_KEY_HEADER } from "@grpc-edge/proto/shared-names";

/**
 * REST request headers copied into the RPC as metadata, by allow-list: anything
 * else a client sends stays at the edge (a client must never set `authorization`
 * or an identity for the services).
 */
const ALLOWED = [IDEMPOTENCY_KEY_HEADER] as const;

export function forwardedHeaders(request: Request): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of ALLOWED) {
    const value = request.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  return headers;
}
