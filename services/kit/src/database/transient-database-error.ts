// SQLSTATE classes that describe the server or the way to it, not the SQL: connection
// exceptions (08), login refused (28: the password may rotate in soon), database not
// created yet (3D), too many connections (53), starting up or shutting down (57), I/O (58).
const transientClasses = new Set(["08", "28", "3D", "53", "57", "58"]);

/**
 * Whether a failure to connect or migrate may go away by itself (the database is
 * still coming up, unreachable, or refusing a login for now), so start-up should
 * retry; false for faults that retrying cannot fix (a migration's SQL, an edited
 * migration), for which the process must exit and the deployment roll back.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const code = (error as { code?: unknown }).code;
  // A SQLSTATE from the server.
  if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return transientClasses.has(code.slice(0, 2));
  // A Node system error (ECONNREFUSED, ENOTFOUND, EAI_AGAIN, ETIMEDOUT, …) or a TLS failure.
  if (typeof code === "string") return true;
  // node-postgres' own connection failures carry no code.
  return /connection|timeout|terminated|ssl|certificate|DATABASE_PASSWORD_FILE|AWS credentials/i.test((error as Error).message ?? "");
}
