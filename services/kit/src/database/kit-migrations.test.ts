// The idempotency_keys migration moved from a copy per service into the kit. Databases the
// copies migrated (PGlite data folders of `npm run dev`, production PostgreSQL) must start with
// nothing re-run; fresh ones must get the table at the same version as before.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { usePostgresCluster, type PostgresCluster } from "../../testing/index.ts";
import type { Database } from "./database.ts";
import { migrate, readMigrations, type Migration } from "./migrate.ts";
import { openPGliteDatabase } from "./pglite-database.ts";
import { openPostgresDatabase } from "./postgres-database.ts";

const servicesDir = fileURLToPath(new URL("../../../", import.meta.url));
// The copies as they were committed before the move, byte for byte.
const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../../testing/fixtures/${name}`, import.meta.url)), "utf8");
const services = [
  { service: "user", lockKey: "user-service", version: 2, copy: fixture("user-0002_create_idempotency_keys.sql") },
  { service: "order", lockKey: "order-service", version: 3, copy: fixture("order-0003_create_idempotency_keys.sql") },
] as const;

let cluster: PostgresCluster;
const tempDirs: string[] = [];
beforeAll(async () => {
  cluster = await usePostgresCluster();
});
afterAll(async () => {
  await cluster?.stop();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

// A PGlite data folder (what `npm run dev` keeps) is reopened as the service reopens it after an upgrade.
const engines: Array<[string, () => Promise<{ open(): Promise<Database> }>]> = [
  [
    "a PGlite data folder",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "kit-migrations-"));
      tempDirs.push(dir);
      return { open: () => openPGliteDatabase(join(dir, "data")) };
    },
  ],
  [
    "PostgreSQL",
    async () => {
      const url = await cluster.createDatabase("kit_migrations");
      return { open: () => openPostgresDatabase({ connectionString: url, maxConnections: 2 }) };
    },
  ],
];

async function history(db: Database) {
  return db.query<{ version: number; name: string; checksum: string }>("SELECT version, name, checksum FROM schema_migrations ORDER BY version");
}

describe.each(engines)("the kit's idempotency_keys migration on %s", (_engine, makeDatabase) => {
  describe.each(services)("in the $service service's history (version $version)", ({ service, lockKey, version, copy }) => {
    it("leaves a database the service's own copy migrated as it is: nothing runs again", async () => {
      const current = await readMigrations(join(servicesDir, service, "migrations"));
      const before: Migration[] = current.map((m) => (m.name === "create_idempotency_keys" ? { version: m.version, name: m.name, sql: copy } : m));
      const database = await makeDatabase();
      let db = await database.open();
      let recorded;
      try {
        await migrate(db, before, lockKey);
        recorded = await history(db);
        await db.query("INSERT INTO idempotency_keys (caller, rpc, key, request_sha256, state, lease, lease_until) VALUES ('7', 'rpc', 'k1', $1, 'in_flight', 'l', now())", [new Uint8Array(32)]);
      } finally {
        await db.close();
      }
      db = await database.open();
      try {
        const result = await migrate(db, current, lockKey);
        expect(result.applied).toEqual([]);
        expect(result.current).toBe(current.length);
        expect(await history(db)).toEqual(recorded);
        expect(await db.query("SELECT key FROM idempotency_keys")).toEqual([{ key: "k1" }]);
      } finally {
        await db.close();
      }
    });

    it("creates the table in a fresh database, at the version the copy had", async () => {
      const migrations = await readMigrations(join(servicesDir, service, "migrations"));
      const db = await (await makeDatabase()).open();
      try {
        const { applied } = await migrate(db, migrations, lockKey);
        expect(applied.map((m) => `${m.version}_${m.name}`)).toContain(`${version}_create_idempotency_keys`);
        await db.query("INSERT INTO idempotency_keys (caller, rpc, key, request_sha256, state, response) VALUES ('7', 'rpc', 'k1', $1, 'completed', $2)", [new Uint8Array(32), new Uint8Array(1)]);
        expect(await db.query("SELECT key, state FROM idempotency_keys")).toEqual([{ key: "k1", state: "completed" }]);
      } finally {
        await db.close();
      }
    });
  });
});

describe("a .kit file in a migrations folder", () => {
  function folder(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), "kit-migrations-folder-"));
    tempDirs.push(dir);
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  }

  it("places the kit's migration at its version, between the service's own", async () => {
    const dir = folder({ "0001_a.sql": "CREATE TABLE a (id int);", "0002_create_idempotency_keys.kit": "-- the kit's\n", "0003_b.sql": "CREATE TABLE b (id int);" });
    expect((await readMigrations(dir)).map((m) => `${m.version}_${m.name}`)).toEqual(["1_a", "2_create_idempotency_keys", "3_b"]);
  });

  it("refuses SQL in it, and a name the kit does not ship", async () => {
    await expect(readMigrations(folder({ "0001_create_idempotency_keys.kit": "CREATE TABLE x (id int);" }))).rejects.toThrow(
      "0001_create_idempotency_keys.kit: a .kit file places the kit's migration and holds comments only",
    );
    await expect(readMigrations(folder({ "0001_create_outbox.kit": "" }))).rejects.toThrow("0001_create_outbox.kit: the kit has no migration create_outbox");
  });
});
