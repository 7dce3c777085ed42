import { createContextKey } from "@connectrpc/connect";
import type { UpstreamFetcher } from "../context/app-env.ts";

/**
 * Per call: the Fetcher binding to send through instead of fetch() (the Worker's SERVICES,
 * the private origin in front of the services); same URL either way.
 */
export const upstreamFetcherKey = createContextKey<UpstreamFetcher | undefined>(undefined, { description: "upstream fetcher" });
