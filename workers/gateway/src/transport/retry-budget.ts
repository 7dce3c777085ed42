export interface RetryBudgetOptions {
  /** Retries earned per request: 0.1 lets retries add at most 10 % to the load. */
  ratio?: number;
  /** Most retries saved up, and what a fresh isolate starts with. */
  maxTokens?: number;
}

/**
 * A token bucket that caps retries per isolate, so a dependency that is down gets
 * (at most) 1 + ratio times the traffic it would get without retries, not 3 times:
 * every request earns `ratio` tokens, every retry spends one, and at most
 * `maxTokens` are saved. Over any stretch of N requests there are at most
 * `maxTokens + ratio × N` retries.
 */
export class RetryBudget {
  readonly ratio: number;
  readonly maxTokens: number;
  // In thousandths of a token: ten deposits of 0.1 make exactly one retry.
  #milli: number;

  constructor({ ratio = 0.1, maxTokens = 10 }: RetryBudgetOptions = {}) {
    if (!(ratio >= 0) || !(maxTokens >= 0)) throw new RangeError("ratio and maxTokens must be non-negative");
    this.ratio = ratio;
    this.maxTokens = maxTokens;
    this.#milli = Math.round(maxTokens * 1000);
  }

  /** Called once per request (not per attempt). */
  deposit(): void {
    this.#milli = Math.min(Math.round(this.maxTokens * 1000), this.#milli + Math.round(this.ratio * 1000));
  }

  /** Takes one retry's worth if there is one. */
  tryWithdraw(): boolean {
    if (this.#milli < 1000) return false;
    this.#milli -= 1000;
    return true;
  }

  get tokens(): number {
    return this.#milli / 1000;
  }
}
