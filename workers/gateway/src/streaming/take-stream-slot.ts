import type { Context } from "hono";
import { anonymousCaller } from "../auth/caller.ts";
import type { AppEnv } from "../context/app-env.ts";
import { GatewayError } from "../errors/gateway-error.ts";
import { problemTypes } from "../errors/problem-types.ts";
import type { StreamSlots } from "./stream-slots.ts";

/**
 * One of the caller's open-stream slots (the end user's; anonymous callers' by client
 * address), whatever protocol the stream uses; over the limit: resource_exhausted (429)
 * with Retry-After. Returns the slot's release.
 */
export function takeStreamSlot(c: Context<AppEnv>, slots: StreamSlots): () => void {
  const caller = c.get("caller") ?? anonymousCaller();
  const key = caller.sub !== undefined ? `user:${caller.sub}` : `ip:${c.req.header("cf-connecting-ip") ?? "unknown"}`;
  const release = slots.take(key);
  if (release === undefined) throw new GatewayError(problemTypes.rateLimited, `at most ${slots.limit} open streams per caller`, { headers: { "Retry-After": "5" } });
  return release;
}
