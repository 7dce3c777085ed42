import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, existsSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { freePort } from "./free-port.ts";

/** A throwaway PostgreSQL server on loopback, for integration tests. */
export interface PostgresCluster {
  /** Connection URL of the default `postgres` database. */
  readonly url: string;
  readonly port: number;
  /** Creates an empty database and returns its URL (on a shared cluster the name gets a unique suffix). */
  createDatabase(name: string): Promise<string>;
  /** Runs SQL as the superuser `postgres` (in `database`, default postgres), returns psql's unaligned output. */
  sql(statement: string, database?: string): string;
  /** Stops a cluster of its own; the run's shared cluster outlives the test file. */
  stop(): Promise<void>;
}

declare module "vitest" {
  export interface ProvidedContext {
    /** URL of the run's shared cluster (postgres-cluster-setup.ts), for test files that do not stop or reconfigure it. */
    postgresUrl?: string;
  }
}

/**
 * The vitest run's shared cluster (started once by the globalSetup postgres-cluster-setup.ts;
 * each test file makes its own databases in it), or else one of this process's own.
 */
export async function usePostgresCluster(): Promise<PostgresCluster> {
  // Outside vitest (bench/) there is nothing to inject from.
  const url = process.env.VITEST ? (await import("vitest")).inject("postgresUrl") : undefined;
  return url === undefined ? startPostgresCluster() : sharedPostgresCluster(url);
}

function sharedPostgresCluster(url: string): PostgresCluster {
  const port = Number(new URL(url).port);
  return {
    url,
    port,
    sql(statement, database = "postgres") {
      const bin = findPostgresBin();
      if (!bin) throw new Error("psql not found: install PostgreSQL or set PG_BIN");
      const args = ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-XAtq", "-c", statement];
      return execFileSync(join(bin, "psql"), args, { stdio: "pipe", env: { ...process.env, LC_ALL: "C" } }).toString();
    },
    async createDatabase(name) {
      // Files run in parallel and may pick the same name: the suffix keeps them apart.
      const unique = `${name}_${randomBytes(4).toString("hex")}`;
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(unique)) throw new Error(`unsafe database name ${unique}`);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${unique}`);
      } finally {
        await client.end();
      }
      const database = new URL(url);
      database.pathname = `/${unique}`;
      return database.href;
    },
    async stop() {},
  };
}

/** Folder holding initdb/pg_ctl: $PG_BIN, else PATH, else Debian's versioned folders. */
export function findPostgresBin(): string | undefined {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const which = spawnSync("sh", ["-c", "command -v initdb"], { encoding: "utf8" });
  // Resolve symlinks: /usr/local/bin may link initdb alone, without psql beside it.
  if (which.status === 0 && which.stdout.trim()) return join(realpathSync(which.stdout.trim()), "..");
  const debian = "/usr/lib/postgresql";
  if (!existsSync(debian)) return undefined;
  const newest = readdirSync(debian).sort((a, b) => Number(b) - Number(a))[0];
  return newest ? join(debian, newest, "bin") : undefined;
}

// PostgreSQL refuses to run as root; tests running as root start it as `postgres`.
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
  return { uid, gid };
}

export interface PostgresClusterOptions {
  /** Listen on this port (e.g. one a service already tries to reach); default a free one. */
  port?: number;
  /** TLS on (ssl=on) with this server certificate and key (PEM), for sslmode tests. */
  tls?: { cert: string; key: string };
  /**
   * Password logins (scram-sha-256) over TCP for every role but `postgres`, which
   * stays trusted (for the tests' own set-up); default: every login trusted.
   */
  passwords?: boolean;
}

export async function startPostgresCluster(options: PostgresClusterOptions = {}): Promise<PostgresCluster> {
  const bin = findPostgresBin();
  if (!bin) throw new Error("PostgreSQL server binaries (initdb, pg_ctl) not found: install PostgreSQL or set PG_BIN");
  const dir = mkdtempSync(join(tmpdir(), "grpc-edge-pg-"));
  const data = join(dir, "data");
  const user = runAs();
  if (user) chownSync(dir, user.uid, user.gid);
  const port = options.port ?? (await freePort());
  const run = (cmd: string, args: string[]) =>
    execFileSync(join(bin, cmd), args, { stdio: "pipe", ...(user ?? {}), env: { ...process.env, LC_ALL: "C" } });
  run("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"]);
  const extra: string[] = [];
  if (options.tls) {
    // The server reads its key only when it is private to the server's user.
    for (const [name, pem] of [["server.crt", options.tls.cert], ["server.key", options.tls.key]] as const) {
      writeFileSync(join(data, name), pem, { mode: 0o600 });
      if (user) chownSync(join(data, name), user.uid, user.gid);
    }
    extra.push("-c ssl=on -c ssl_cert_file=server.crt -c ssl_key_file=server.key");
  }
  if (options.passwords) {
    const hba = ["local all all trust", "host all postgres 127.0.0.1/32 trust", "host all all 127.0.0.1/32 scram-sha-256"].join("\n");
    writeFileSync(join(data, "pg_hba.conf"), `${hba}\n`);
  }
  run("pg_ctl", [
    "-D", data, "-l", join(dir, "server.log"), "-w", "-t", "30", "start",
    "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off ${extra.join(" ")}`,
  ]);
  const psql = (statement: string, database = "postgres") =>
    run("psql", ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-XAtq", "-c", statement]).toString();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    port,
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe database name ${name}`);
      psql(`CREATE DATABASE ${name}`);
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    sql: psql,
    async stop() {
      try {
        run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
