import { mkdir } from "node:fs/promises";
import type { Logger } from "pino";
import type { Database } from "./database.ts";
import { openPGliteDatabase } from "./pglite-database.ts";
import type { PostgresConnection } from "./postgres-connection.ts";
import { openPostgresDatabase } from "./postgres-database.ts";

export interface DatabaseSettings {
  /** postgres://… of a PostgreSQL server; when absent (and no `postgres`), embedded PGlite is used. */
  url?: string | undefined;
  /** A PostgreSQL server as the services' settings describe it (see postgresConnection). */
  postgres?: PostgresConnection | undefined;
  /** PostgreSQL: check the server answers before resolving (default true). */
  connectNow?: boolean;
  /** Where PGlite keeps its files ("memory://" for a throwaway in-memory database). */
  pgliteDataDir: string;
  maxConnections: number;
}

export async function openDatabase(settings: DatabaseSettings, logger?: Logger): Promise<Database> {
  if (settings.postgres) {
    return openPostgresDatabase({ connection: settings.postgres, maxConnections: settings.maxConnections, logger, connectNow: settings.connectNow });
  }
  if (settings.url) {
    return openPostgresDatabase({ connectionString: settings.url, maxConnections: settings.maxConnections, logger, connectNow: settings.connectNow });
  }
  if (settings.pgliteDataDir === "memory://") return openPGliteDatabase();
  await mkdir(settings.pgliteDataDir, { recursive: true });
  return openPGliteDatabase(settings.pgliteDataDir);
}
