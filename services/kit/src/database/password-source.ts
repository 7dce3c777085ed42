import { readFile } from "node:fs/promises";

/**
 * Where a PostgreSQL login's password comes from. `current()` is asked for every
 * new connection; `refresh()` is called after the server refused the password
 * (SQLSTATE 28P01) and says whether asking again may give a different answer.
 */
export interface PasswordSource {
  current(): Promise<string | undefined>;
  refresh(): boolean;
}

/** A fixed password (DATABASE_PASSWORD, or the one in DATABASE_URL): nothing to re-read. */
export function fixedPassword(password: string | undefined): PasswordSource {
  return { current: async () => password, refresh: () => false };
}

/**
 * A password kept in a file (DATABASE_PASSWORD_FILE) that something else rewrites
 * when the password rotates. Read once and cached; read again after a refused login,
 * so a rotation costs one failed login per process, not a file read per connection.
 * One trailing newline (as `echo` writes) is not part of the password.
 */
export function filePassword(path: string): PasswordSource {
  let cached: Promise<string> | undefined;
  const read = async () => {
    try {
      return (await readFile(path, "utf8")).replace(/\r?\n$/, "");
    } catch (error) {
      cached = undefined; // a file not there yet is read again next time
      // The path and the reason, never the contents.
      throw new Error(`cannot read DATABASE_PASSWORD_FILE ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  };
  return {
    current: () => (cached ??= read()),
    refresh() {
      cached = undefined;
      return true;
    },
  };
}
