import { Code, ConnectError } from "@connectrpc/connect";
import type { Caller } from "@grpc-edge/service-kit";

/**
 * Open streams per caller in this process: the end user by id, a trusted peer by
 * address, and all anonymous callers together. Over the limit: RESOURCE_EXHAUSTED.
 */
export class CallerStreamLimit {
  readonly #open = new Map<string, number>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  /** Counts one more stream for `caller`; returns its release (idempotent). */
  acquire(caller: Caller): () => void {
    const key = caller.userId !== undefined ? `user:${caller.userId}` : caller.trustedPeer !== undefined ? `peer:${caller.trustedPeer}` : "anonymous";
    const open = this.#open.get(key) ?? 0;
    if (open >= this.#max) throw new ConnectError(`at most ${this.#max} open streams per caller`, Code.ResourceExhausted);
    this.#open.set(key, open + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#open.get(key) ?? 1) - 1;
      if (left === 0) this.#open.delete(key);
      else this.#open.set(key, left);
    };
  }
}
