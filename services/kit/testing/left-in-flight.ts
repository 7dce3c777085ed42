/**
 * Marks a call that is started now and awaited later as handled, so a rejection in
 * between is not an unhandled rejection (which fails a vitest run at random). Awaiting
 * the returned promise still throws the original error. scripts/check-promise-handling.ts
 * accepts a call wrapped in it.
 */
export function leftInFlight<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}
