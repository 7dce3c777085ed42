import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { gatewaySettings } from "../workers/gateway/src/config/gateway-settings.ts";
import { configTable, gatewayConfigTable, readmeWithTable } from "./config-table.ts";

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

describe("README gateway configuration table", () => {
  it("lists every Worker variable and binding the gateway reads", () => {
    const table = gatewayConfigTable();
    for (const name of [...Object.keys(gatewaySettings), "RATE_LIMITER"]) expect(table).toContain(`| \`${name}\` |`);
  });

  it("covers every variable wrangler.toml sets", async () => {
    const { unstable_readConfig } = (await import("wrangler")) as unknown as { unstable_readConfig(args: { config: string }): { vars?: Record<string, unknown> } };
    const vars = unstable_readConfig({ config: fileURLToPath(new URL("../wrangler.toml", import.meta.url)) }).vars ?? {};
    expect(Object.keys(vars).length).toBeGreaterThan(0);
    for (const name of Object.keys(vars)) expect(Object.keys(gatewaySettings)).toContain(name);
  });
});
