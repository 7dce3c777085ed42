/**
 * Open streams per caller, counted in this isolate (workerd gives a Worker no shared
 * counter across isolates without a Durable Object): a caller over `limit` is refused.
 */
export class StreamSlots {
  private readonly open = new Map<string, number>();
  readonly limit: number;
  constructor(limit: number) {
    this.limit = limit;
  }

  /** A release function when a slot was free, undefined when the caller has `limit` open. */
  take(caller: string): (() => void) | undefined {
    const count = this.open.get(caller) ?? 0;
    if (count >= this.limit) return undefined;
    this.open.set(caller, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(caller) ?? 1) - 1;
      if (left === 0) this.open.delete(caller);
      else this.open.set(caller, left);
    };
  }
}
