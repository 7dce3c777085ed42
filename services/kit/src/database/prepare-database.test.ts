import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { prepareDatabase } from "./prepare-database.ts";
import { isTransientDatabaseError } from "./transient-database-error.ts";

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}
const failure = (fields: object) => Object.assign(new Error((fields as { message?: string }).message ?? ""), fields);

describe("prepareDatabase", () => {
  it("retries what may pass by itself, logging each attempt with its reason and a capped wait, until it succeeds", async () => {
    const { logger, lines } = capture();
    const errors = [
      failure({ code: "ECONNREFUSED", message: "connect ECONNREFUSED 10.0.0.5:5432" }),
      failure({ code: "57P03", message: "the database system is starting up" }),
      failure({ code: "3D000", message: 'database "orders" does not exist' }),
      failure({ code: "28P01", message: 'password authentication failed for user "app"' }),
    ];
    let calls = 0;
    const prep = prepareDatabase({ logger, target: "postgres://app@db:5432/orders", initialDelayMs: 1, maxDelayMs: 4, prepare: async () => {
      const error = errors[calls++];
      if (error) throw error;
    } });
    expect(await prep.done).toBe(true);
    expect(calls).toBe(5);
    const retries = lines.filter((l) => l.msg === "database not ready; retrying");
    expect(retries.map((l) => [l.attempt, l.code])).toEqual([[1, "ECONNREFUSED"], [2, "57P03"], [3, "3D000"], [4, "28P01"]]);
    expect(retries.every((l) => (l.retryInMs as number) <= 4 && l.database === "postgres://app@db:5432/orders")).toBe(true);
    expect(retries[1]!.reason).toBe("the database system is starting up");
  });

  it("gives up at once on a fault retrying cannot fix (a broken migration): the process exits, the deployment rolls back", async () => {
    const { logger } = capture();
    const broken = failure({ code: "42601", message: 'syntax error at or near "CRATE"' });
    await expect(prepareDatabase({ logger, target: "x", maxDelayMs: 10, prepare: () => Promise.reject(broken) }).done).rejects.toBe(broken);
    const edited = new Error("migration 1 (things) was edited after it was applied: add a new migration instead");
    await expect(prepareDatabase({ logger, target: "x", maxDelayMs: 10, prepare: () => Promise.reject(edited) }).done).rejects.toBe(edited);
  });

  it("stops retrying when cancelled (shutdown before the database came)", async () => {
    const { logger } = capture();
    const prep = prepareDatabase({ logger, target: "x", initialDelayMs: 1_000, maxDelayMs: 1_000, prepare: () => Promise.reject(failure({ code: "ECONNREFUSED" })) });
    setTimeout(() => prep.cancel(), 20);
    expect(await prep.done).toBe(false);
  });
});

describe("isTransientDatabaseError", () => {
  it.each([
    [{ code: "ENOTFOUND" }, true],
    [{ code: "08006" }, true],
    [{ code: "53300" }, true],
    [{ message: "Connection terminated unexpectedly" }, true],
    [{ message: "timeout expired" }, true],
    [{ code: "23505" }, false],
    [{ code: "42P01" }, false],
    [{ message: "database has migration 9 (x) that this build does not know: refusing to run an older build" }, false],
  ])("%o → %s", (fields, transient) => {
    expect(isTransientDatabaseError(failure(fields))).toBe(transient);
  });
});
