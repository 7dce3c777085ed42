export type { Database, PoolStats, Queryable } from "./database.ts";
export type { NotificationHandlers, StopListening } from "./database-listener.ts";
export { migrate, readMigrations, seedOnce, type Migration, type MigrationResult } from "./migrate.ts";
export { databaseUrlFromParts, openDatabase, type DatabaseSettings } from "./open-database.ts";
export { openPGliteDatabase } from "./pglite-database.ts";
export { openPostgresDatabase, type PostgresOptions } from "./postgres-database.ts";
export { queryBudgetMs, withoutQueryDeadline, withQueryDeadline } from "./query-deadline.ts";
export { captureDeadline, queryDeadlineInterceptor } from "./query-deadline-interceptor.ts";
export { isUniqueViolation } from "./unique-violation.ts";
