import type { Caller } from "./caller.ts";
import { verifyServiceTokenUntil } from "./service-token.ts";

export interface ServiceTokenCacheOptions {
  /** Most tokens remembered; the oldest is forgotten first. */
  maxEntries?: number;
  now?: () => number;
}

/**
 * verifyServiceToken with a memory: a token already verified is not verified again
 * until it expires. The same token reaches a service many times (the gateway reuses
 * one per caller for part of its life, and the user service forwards it to the order
 * service), and a cached answer is what verifying the same bytes again would give.
 * Refused tokens are not remembered: they cost a verification each, as before.
 */
export function serviceTokenCache(key: Uint8Array, { maxEntries = 1024, now = Date.now }: ServiceTokenCacheOptions = {}): (token: string) => Promise<Caller> {
  const verified = new Map<string, { caller: Caller; validUntilMs: number }>();
  return async (token) => {
    const hit = verified.get(token);
    if (hit !== undefined && now() < hit.validUntilMs) return hit.caller;
    verified.delete(token);
    const entry = await verifyServiceTokenUntil(token, key, new Date(now()));
    if (verified.size >= maxEntries) verified.delete(verified.keys().next().value!);
    verified.set(token, entry);
    return entry.caller;
  };
}
