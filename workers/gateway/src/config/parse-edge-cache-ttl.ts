import { configError } from "../errors/gateway-error.ts";

export const defaultEdgeCacheTtlSeconds = 5;
const maxEdgeCacheTtlSeconds = 3600;

/** EDGE_CACHE_TTL_SECONDS: how long a read stays in the edge cache; 0 turns the cache off. */
export function parseEdgeCacheTtl(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === "") return defaultEdgeCacheTtlSeconds;
  const value = raw.trim();
  const seconds = /^[0-9]{1,4}$/.test(value) ? Number(value) : Number.NaN;
  if (!(seconds >= 0 && seconds <= maxEdgeCacheTtlSeconds)) {
    throw configError(`EDGE_CACHE_TTL_SECONDS must be an integer number of seconds from 0 to ${maxEdgeCacheTtlSeconds}`);
  }
  return seconds;
}
