import { mkdir } from "node:fs/promises";
import type { Logger } from "pino";
import type { Database } from "./database.ts";
import { openPGliteDatabase } from "./pglite-database.ts";
import { openPostgresDatabase } from "./postgres-database.ts";

export interface DatabaseSettings {
  /** postgres://… of a PostgreSQL server; when absent, embedded PGlite is used. */
  url?: string | undefined;
  /** Where PGlite keeps its files ("memory://" for a throwaway in-memory database). */
  pgliteDataDir: string;
  maxConnections: number;
}

export async function openDatabase(settings: DatabaseSettings, logger?: Logger): Promise<Database> {
  if (settings.url) {
    return openPostgresDatabase({ connectionString: settings.url, maxConnections: settings.maxConnections, logger });
  }
  if (settings.pgliteDataDir === "memory://") return openPGliteDatabase();
  await mkdir(settings.pgliteDataDir, { recursive: true });
  return openPGliteDatabase(settings.pgliteDataDir);
}

/**
 * Containers receive the database as parts (the password injected from a
 * secret store); this assembles them into a URL with proper escaping.
 */
export function databaseUrlFromParts(parts: {
  host?: string | undefined;
  port?: number | undefined;
  name?: string | undefined;
  user?: string | undefined;
  password?: string | undefined;
  sslMode?: string | undefined;
}): string | undefined {
  if (!parts.host) return undefined;
  const url = new URL("postgres://localhost");
  url.hostname = parts.host;
  if (parts.port) url.port = String(parts.port);
  url.username = encodeURIComponent(parts.user ?? "postgres");
  if (parts.password) url.password = encodeURIComponent(parts.password);
  url.pathname = `/${encodeURIComponent(parts.name ?? "postgres")}`;
  if (parts.sslMode) url.searchParams.set("sslmode", parts.sslMode);
  return url.toString();
}
