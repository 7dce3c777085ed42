import { describe, expect, it } from "vitest";
import { parseOptions } from "./options.ts";

describe("parseOptions", () => {
  it("defaults to the issue's full run", () => {
    const o = parseOptions([], {});
    expect(o).toMatchObject({
      durationSec: 10,
      warmupSec: 3,
      connections: 16,
      threads: 2,
      rounds: 3,
      scenarios: ["getUser", "listUsers", "createOrder"],
      databases: ["postgres", "pglite"],
      dataSets: ["small", "large"],
      largeUsers: 10_000,
      largeOrders: 100_000,
      starts: 5,
      directFormat: "proto",
      updateReadme: true,
    });
  });

  it("--quick is short, PostgreSQL only, and leaves the README alone", () => {
    expect(parseOptions(["--quick"], {})).toMatchObject({ durationSec: 2, warmupSec: 1, rounds: 1, databases: ["postgres"], updateReadme: false });
  });

  it("takes lists and numbers from flags over the environment", () => {
    const o = parseOptions(["--scenarios", "getUser", "--duration", "12"], { BENCH_DURATION: "5", BENCH_CONNECTIONS: "8" });
    expect(o).toMatchObject({ scenarios: ["getUser"], durationSec: 12, connections: 8 });
  });

  it("a run shorter than 10 s never updates the README", () => {
    expect(parseOptions(["--duration", "3"], {})).toMatchObject({ updateReadme: false });
  });

  it("rejects unknown names and bad numbers", () => {
    expect(() => parseOptions(["--scenarios", "getUsers"], {})).toThrow(/unknown "getUsers"/);
    expect(() => parseOptions(["--duration", "0"], {})).toThrow(/positive/);
    expect(() => parseOptions(["--direct-format", "xml"], {})).toThrow(/proto or json/);
  });
});
