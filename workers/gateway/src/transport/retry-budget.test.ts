import { describe, expect, it } from "vitest";
import { RetryBudget } from "./retry-budget.ts";

describe("RetryBudget", () => {
  it("starts with its reserve and refuses once it is spent", () => {
    const budget = new RetryBudget({ ratio: 0.1, maxTokens: 3 });
    expect([1, 2, 3, 4].map(() => budget.tryWithdraw())).toEqual([true, true, true, false]);
  });

  it("earns one retry per ten requests after that", () => {
    const budget = new RetryBudget({ ratio: 0.1, maxTokens: 2 });
    while (budget.tryWithdraw());
    for (let i = 0; i < 9; i++) budget.deposit();
    expect(budget.tryWithdraw()).toBe(false);
    budget.deposit();
    expect(budget.tryWithdraw()).toBe(true);
    expect(budget.tryWithdraw()).toBe(false);
  });

  it("saves at most maxTokens, however long it is quiet", () => {
    const budget = new RetryBudget({ ratio: 0.5, maxTokens: 2 });
    for (let i = 0; i < 100; i++) budget.deposit();
    expect(budget.tokens).toBe(2);
  });

  it("bounds retries over N requests by maxTokens + ratio × N (a dependency that is down)", () => {
    const budget = new RetryBudget();
    let retries = 0;
    for (let request = 0; request < 1000; request++) {
      budget.deposit();
      // Each failing request would like two retries.
      for (let attempt = 0; attempt < 2; attempt++) if (budget.tryWithdraw()) retries++;
    }
    expect(retries).toBeLessThanOrEqual(10 + 0.1 * 1000);
    expect(retries).toBeGreaterThanOrEqual(0.1 * 1000);
  });

  it("rejects a negative ratio", () => {
    expect(() => new RetryBudget({ ratio: -1 })).toThrow(RangeError);
  });
});
