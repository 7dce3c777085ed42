import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Database } from "./database.ts";
import { kitMigrations } from "./kit-migrations.ts";

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /**
   * sha256 of earlier texts of this migration a database may have recorded (a copy a service
   * applied before the kit owned it): such a database is up to date, nothing runs again.
   */
  formerChecksums?: readonly string[];
}

/** A migration the kit ships for a table it owns; each service places it at a version of its own history. */
export type KitMigration = Omit<Migration, "version">;

export interface MigrationResult {
  applied: Migration[];
  current: number;
}

const fileName = /^(\d{4})_([a-z0-9_]+)\.(sql|kit)$/;

/**
 * Reads `NNNN_description.sql` files from a folder, in version order. A `NNNN_<name>.kit` file
 * places the kit's migration `<name>` (kitMigrations) at that version; it holds comments only.
 */
export async function readMigrations(dir: string, kit: Readonly<Record<string, KitMigration>> = kitMigrations): Promise<Migration[]> {
  const migrations: Migration[] = [];
  for (const file of (await readdir(dir)).sort()) {
    const match = fileName.exec(file);
    if (!match) continue;
    const [, version, name, kind] = match as unknown as [string, string, string, "sql" | "kit"];
    const text = await readFile(join(dir, file), "utf8");
    if (kind === "sql") {
      migrations.push({ version: Number(version), name, sql: text });
      continue;
    }
    const shipped = kit[name];
    if (!shipped) throw new Error(`${file}: the kit has no migration ${name} (it has: ${Object.keys(kit).join(", ")})`);
    if (text.replace(/--.*$/gm, "").trim() !== "") throw new Error(`${file}: a .kit file places the kit's migration and holds comments only; put SQL in a .sql file`);
    migrations.push({ version: Number(version), ...shipped });
  }
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migrations must be numbered 0001, 0002, … without gaps: found ${m.version} at position ${i + 1}`);
  });
  return migrations;
}

function checksum(sql: string): string {
  return createHash("sha256").update(sql).digest("hex");
}

/**
 * Applies pending migrations in one transaction. An advisory lock serialises
 * concurrent starts (several replicas on one server), and a checksum refuses to
 * start when an already applied migration file was edited.
 */
export async function migrate(db: Database, migrations: readonly Migration[], lockKey: string): Promise<MigrationResult> {
  return db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [lockKey]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const done = await tx.query<{ version: number; name: string; checksum: string }>(
      "SELECT version, name, checksum FROM schema_migrations ORDER BY version",
    );
    for (const row of done) {
      const file = migrations.find((m) => m.version === row.version);
      if (!file) throw new Error(`database has migration ${row.version} (${row.name}) that this build does not know: refusing to run an older build`);
      if (checksum(file.sql) !== row.checksum && !file.formerChecksums?.includes(row.checksum)) throw new Error(`migration ${row.version} (${row.name}) was edited after it was applied: add a new migration instead`);
    }
    const applied: Migration[] = [];
    for (const migration of migrations.slice(done.length)) {
      await tx.exec(migration.sql);
      await tx.query("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", [
        migration.version,
        migration.name,
        checksum(migration.sql),
      ]);
      applied.push(migration);
    }
    return { applied, current: migrations.length };
  });
}

/**
 * Loads a seed script once per database ("first run"): a later run, even after
 * the seeded rows were changed or deleted, leaves the data alone.
 */
export async function seedOnce(db: Database, name: string, sql: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.exec("CREATE TABLE IF NOT EXISTS schema_seeds (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
    const inserted = await tx.query("INSERT INTO schema_seeds (name) VALUES ($1) ON CONFLICT DO NOTHING RETURNING name", [name]);
    if (inserted.length === 0) return false;
    await tx.exec(sql);
    return true;
  });
}
