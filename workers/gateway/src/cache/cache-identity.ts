import type { Context } from "hono";
import { anonymousCaller } from "../auth/caller.ts";
import type { AppEnv } from "../context/app-env.ts";

/**
 * Whose answer a cached read is: the verified `sub` and the scopes (sorted) the
 * authenticate middleware put in the context, or "anonymous". Everything the
 * services authorise by is in it, so one caller's entry is never another's. The one
 * place the edge cache learns who is calling.
 */
export function cacheIdentity(c: Context<AppEnv>): string {
  const caller = c.get("caller") ?? anonymousCaller();
  const scopes = caller.scope.split(" ").filter((s) => s !== "").sort().join(" ");
  return `${caller.sub === undefined ? "anonymous" : `sub:${caller.sub}`}|${scopes}`;
}
