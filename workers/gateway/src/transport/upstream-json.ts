import type { UnaryResponse } from "@connectrpc/connect";

/**
 * The proto3 JSON text of an upstream answer, written by the transport straight from its
 * bytes (binary-json.ts) where the message type allows: the REST answer is
 * that text, and the message itself is decoded only if something reads it. Weak: gone
 * with the response.
 */
const jsonByResponse = new WeakMap<object, string>();

export function rememberUpstreamJson(response: UnaryResponse, json: string): void {
  jsonByResponse.set(response, json);
}

export function upstreamJsonOf(response: UnaryResponse): string | undefined {
  return jsonByResponse.get(response);
}
