import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { configTable, readmeWithTable } from "./config-table.ts";

describe("README configuration table", () => {
  it("lists every variable the services read", () => {
    const table = configTable();
    for (const name of ["PORT", "HOST", "DATABASE_URL", "PGLITE_DATA_DIR", "SHUTDOWN_GRACE_MS", "ORDER_SERVICE_URL", "SERVICE_TOKEN_SECRET", "MAX_MESSAGE_BYTES", "IDEMPOTENCY_TTL_HOURS"]) {
      expect(table).toContain(`| \`${name}\` |`);
    }
  });

  it("is up to date in README.md (run `node scripts/config-table.ts --write`)", () => {
    const readme = readFileSync(fileURLToPath(new URL("../README.md", import.meta.url)), "utf8");
    expect(readme).toBe(readmeWithTable(readme));
  });
});
