import { createContextKey, createContextValues, type ContextValues } from "@connectrpc/connect";
import type { IncomingMessage } from "node:http";
import type { Http2ServerRequest } from "node:http2";

/** The TCP peer of the call (the balancer's address when one is in front, not the client's). */
export const peerAddressKey = createContextKey<string | undefined>(undefined, { description: "TCP peer address" });

/** connect-node's `contextValues` hook: puts the socket's remote address into every call. */
export function peerAddressValues(req: IncomingMessage | Http2ServerRequest): ContextValues {
  return createContextValues().set(peerAddressKey, req.socket?.remoteAddress);
}
