/**
 * In-process fan-out of the one LISTEN connection to the WatchOrders streams:
 * a notification for user N wakes that user's streams, which then read their new
 * events themselves (a wake carries no data, so a lost or merged one costs nothing
 * but latency). A stream holds no database connection while it waits.
 */
export class OrderEventHub {
  readonly #byUser = new Map<number, Set<() => void>>();
  #size = 0;

  /** Calls `wake` on every notification for `userId`; returns the unsubscriber (idempotent). */
  subscribe(userId: number, wake: () => void): () => void {
    let wakes = this.#byUser.get(userId);
    if (!wakes) this.#byUser.set(userId, (wakes = new Set()));
    wakes.add(wake);
    this.#size++;
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      this.#size--;
      wakes.delete(wake);
      if (wakes.size === 0) this.#byUser.delete(userId);
    };
  }

  /** A NOTIFY payload: the user id whose events changed (anything else is ignored). */
  notify(payload: string): void {
    const userId = Number(payload);
    if (!Number.isInteger(userId)) return;
    for (const wake of this.#byUser.get(userId) ?? []) wake();
  }

  /** Every stream catches up (after the LISTEN connection was lost and came back). */
  wakeAll(): void {
    for (const wakes of this.#byUser.values()) for (const wake of wakes) wake();
  }

  /** Open subscriptions (= open streams past their authorization). */
  get size(): number {
    return this.#size;
  }
}
