// The benchmark's data sets, written with plain SQL (generate_series) into each
// service's database after its own migrations — not through the API. PGlite is
// single-connection, so its data folder is prepared here and closed before the
// service process opens it.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { migrate, openDatabase, readMigrations, type Database } from "@grpc-edge/service-kit";
import type { DataSetName } from "./options.ts";

const root = fileURLToPath(new URL("..", import.meta.url));

export interface DataSet {
  name: DataSetName;
  users: number;
  orders: number;
  items: number;
}

/**
 * Both sets give every user the same number of orders (10), so a user's reply is
 * the same size in both and only the table sizes differ.
 */
export function dataSet(name: DataSetName, large: { users: number; orders: number }): DataSet {
  return name === "small" ? { name, users: 10, orders: 100, items: 100 } : { name, users: large.users, orders: large.orders, items: 100 };
}

/** Where a service finds its seeded database: a PostgreSQL URL or a PGlite folder. */
export type DatabaseLocation = { kind: "postgres"; url: string } | { kind: "pglite"; dataDir: string };

function int(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`not a row count: ${n}`);
  return String(n);
}

/** SQL for the user service's database (after its migrations). */
export function userSeedSql(set: DataSet): string {
  return `
INSERT INTO users (first_name, last_name, email)
SELECT 'First' || g, 'Last' || g, 'user' || g || '@example.com' FROM generate_series(1, ${int(set.users)}) AS g;
ANALYZE users;`;
}

/** SQL for the order service's database (after its migrations): orders spread evenly over users and items. */
export function orderSeedSql(set: DataSet): string {
  return `
INSERT INTO items (name) SELECT 'item ' || g FROM generate_series(1, ${int(set.items)}) AS g;
INSERT INTO orders (user_id, item_id, order_date, amount)
SELECT (g - 1) % ${int(set.users)} + 1, (g - 1) % ${int(set.items)} + 1, timestamptz '2024-01-01T00:00:00Z' + g * interval '1 minute', 1 + g % 50
  FROM generate_series(1, ${int(set.orders)}) AS g;
ANALYZE items;
ANALYZE orders;`;
}

const services = {
  user: { name: "user-service", seed: userSeedSql },
  order: { name: "order-service", seed: orderSeedSql },
} as const;

export type ServiceName = keyof typeof services;

/** Migrates with the migrations of the checkout at `base` (another revision's in A/B runs). */
async function migrateAndSeed(db: Database, service: ServiceName, set: DataSet, base = root): Promise<void> {
  const { name, seed } = services[service];
  try {
    await migrate(db, await readMigrations(join(base, "services", service, "migrations")), name);
    await db.exec(seed(set));
  } finally {
    await db.close();
  }
}

/** A fresh PostgreSQL database (created with `createDatabase`), migrated and seeded. */
export async function seedPostgres(createDatabase: (name: string) => Promise<string>, service: ServiceName, set: DataSet, tag: string, base?: string): Promise<DatabaseLocation> {
  const url = await createDatabase(`bench_${tag}_${service}_${set.name}`);
  await migrateAndSeed(await openDatabase({ url, pgliteDataDir: "memory://", maxConnections: 1 }), service, set, base);
  return { kind: "postgres", url };
}

/** A fresh PGlite folder under `parent`, migrated and seeded, closed again. */
export async function seedPGlite(parent: string, service: ServiceName, set: DataSet): Promise<DatabaseLocation> {
  const dataDir = mkdtempSync(join(parent, `${service}-${set.name}-`));
  await migrateAndSeed(await openDatabase({ pgliteDataDir: dataDir, maxConnections: 1 }), service, set);
  return { kind: "pglite", dataDir };
}

export function benchTempDir(): string {
  return mkdtempSync(join(tmpdir(), "grpc-edge-bench-"));
}
