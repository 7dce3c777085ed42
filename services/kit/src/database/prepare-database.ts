import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import { isTransientDatabaseError } from "./transient-database-error.ts";

export interface DatabasePreparation {
  /** true once `prepare` succeeded; false when cancelled first; rejects on a fault retrying cannot fix. */
  readonly done: Promise<boolean>;
  /** Stops retrying (shutdown before the database came). */
  cancel(): void;
}

export interface PrepareOptions {
  /** Connects, migrates, seeds: everything the service needs from its database before it is ready. */
  prepare(): Promise<void>;
  logger: Logger;
  /** Where it connects, without the password (logged with every failed attempt). */
  target: string;
  /** First wait between attempts; it doubles up to `maxDelayMs`. */
  initialDelayMs?: number;
  maxDelayMs: number;
}

/** What a failure says, without anything else: node-postgres and Node messages carry no password. */
function reasonOf(error: unknown): string {
  const e = error as { message?: string; code?: string; name?: string; errors?: unknown[] };
  // Node reports a host with several addresses refusing as an AggregateError with no message.
  if (!e.message && Array.isArray(e.errors) && e.errors.length > 0) return e.errors.map(reasonOf).join("; ");
  return e.message || e.code || e.name || String(error);
}

/**
 * Runs `prepare` until it succeeds: a database that is not there yet (still being
 * created, unreachable, refusing the login for now) is waited for with a capped,
 * jittered exponential backoff, every failed attempt logged with its reason. The
 * process keeps serving its probes meanwhile, not ready; it never exits for this.
 */
export function prepareDatabase(options: PrepareOptions): DatabasePreparation {
  const cancelled = new AbortController();
  const done = (async () => {
    let delay = Math.min(options.initialDelayMs ?? 100, options.maxDelayMs);
    for (let attempt = 1; ; attempt++) {
      if (cancelled.signal.aborted) return false;
      try {
        await options.prepare();
        if (attempt > 1) options.logger.info({ attempt, database: options.target }, "database reached");
        return true;
      } catch (error) {
        if (!isTransientDatabaseError(error)) throw error;
        const retryInMs = Math.min(options.maxDelayMs, Math.round(delay * (0.8 + 0.4 * Math.random())));
        const code = (error as { code?: unknown }).code;
        options.logger.warn({ attempt, database: options.target, reason: reasonOf(error), code, retryInMs }, "database not ready; retrying");
        delay = Math.min(delay * 2, options.maxDelayMs);
        try {
          await sleep(retryInMs, undefined, { signal: cancelled.signal });
        } catch {
          return false;
        }
      }
    }
  })();
  return { done, cancel: () => cancelled.abort() };
}
