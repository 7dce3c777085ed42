/**
 * db-bootstrap.sql on a real PostgreSQL, rendered by Terraform's own templatefile() and run
 * with psql exactly as the db-bootstrap init container runs it (ecs.tf): as a master user
 * that, like Aurora's, is not a superuser but may create roles and owns the database.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { findPostgresBin, type PostgresCluster, startPostgresCluster } from "@grpc-edge/service-kit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const MODULE_DIR = dirname(fileURLToPath(import.meta.url));
const hasTerraform = spawnSync("terraform", ["version"], { stdio: "ignore" }).status === 0;
const pgBin = findPostgresBin();
// A laptop without the tools skips these; CI never does (.ci/run provides both).
if (process.env.CI && (!hasTerraform || !pgBin)) throw new Error("CI needs terraform and the PostgreSQL server binaries for the db-bootstrap test");

/** The SQL as Terraform renders it for one service (templatefile in an empty directory). */
function renderBootstrapSql(appUser: string, database: string): string {
  const dir = mkdtempSync(join(tmpdir(), "grpc-edge-tf-console-"));
  try {
    cpSync(join(MODULE_DIR, "db-bootstrap.sql"), join(dir, "db-bootstrap.sql"));
    const out = execFileSync("terraform", ["console", "-no-color"], {
      cwd: dir,
      input: `jsonencode(templatefile("db-bootstrap.sql", { app_user = "${appUser}", database = "${database}" }))\n`,
      encoding: "utf8",
      env: { ...process.env, CHECKPOINT_DISABLE: "1", TF_CLI_CONFIG_FILE: "/dev/null" },
    });
    return JSON.parse(JSON.parse(out.trim()));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.skipIf(!hasTerraform || !pgBin)("db-bootstrap.sql (the init container's SQL) on a real PostgreSQL", () => {
  let cluster: PostgresCluster;
  let sql: string;
  let port: string;

  const psql = (user: string, args: string[]) =>
    spawnSync(join(pgBin!, "psql"), ["-h", "127.0.0.1", "-p", port, "-U", user, "-d", "users", "--no-psqlrc", "-v", "ON_ERROR_STOP=1", "-qtA", ...args], {
      encoding: "utf8",
      timeout: 30_000,
    });
  const query = (user: string, statement: string) => {
    const r = psql(user, ["-c", statement]);
    expect(r.status, `${user}: ${statement}\n${r.stderr}`).toBe(0);
    return r.stdout.trim();
  };

  beforeAll(async () => {
    sql = renderBootstrapSql("grpc_edge_app", "users");
    cluster = await startPostgresCluster();
    port = new URL(cluster.url).port;
    // What Aurora gives: rds_iam exists, the master user may create roles and owns the database.
    const admin = (statement: string) => execFileSync(join(pgBin!, "psql"), ["-h", "127.0.0.1", "-p", port, "-U", "postgres", "-d", "postgres", "-c", statement]);
    admin("CREATE ROLE rds_iam NOLOGIN");
    admin("CREATE ROLE grpc_edge LOGIN CREATEROLE NOSUPERUSER");
    admin("CREATE DATABASE users OWNER grpc_edge");
    // An earlier deployment ran its migrations as the master user.
    query("grpc_edge", "CREATE TABLE legacy_orders (id serial PRIMARY KEY, note text)");
  }, 60_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it("renders without leftover template markers", () => {
    expect(sql).toContain("CREATE ROLE grpc_edge_app LOGIN");
    expect(sql).toContain("GRANT CONNECT, TEMPORARY ON DATABASE users TO grpc_edge_app");
    expect(sql).not.toMatch(/\$\{/);
  });

  it("runs twice as the master user (every task start runs it again) and succeeds both times", () => {
    for (const attempt of [1, 2]) {
      const r = psql("grpc_edge", ["-c", sql]);
      expect(r.status, `attempt ${attempt}: ${r.stderr}`).toBe(0);
    }
  });

  it("leaves an application role that can log in, is in rds_iam, and is not the master user", () => {
    expect(query("postgres", "SELECT rolcanlogin, rolsuper, rolcreaterole FROM pg_roles WHERE rolname = 'grpc_edge_app'")).toBe("t|f|f");
    expect(query("postgres", "SELECT pg_has_role('grpc_edge_app', 'rds_iam', 'MEMBER')")).toBe("t");
    expect(query("grpc_edge_app", "SELECT current_user")).toBe("grpc_edge_app");
  });

  it("hands the master user's tables to the application role, so its migrations can change them", () => {
    expect(query("postgres", "SELECT tableowner FROM pg_tables WHERE tablename = 'legacy_orders'")).toBe("grpc_edge_app");
    query("grpc_edge_app", "ALTER TABLE legacy_orders ADD COLUMN amount integer");
    expect(query("grpc_edge_app", "INSERT INTO legacy_orders (note, amount) VALUES ('x', 1) RETURNING id")).toBe("1");
    query("grpc_edge_app", "CREATE TABLE new_table (id integer)");
    expect(query("postgres", "SELECT tableowner FROM pg_tables WHERE tablename = 'new_table'")).toBe("grpc_edge_app");
  });

  it("fails loudly (non-zero exit) when it cannot do its job, so the service never starts on a half-made role", () => {
    const r = psql("grpc_edge_app", ["-c", sql]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/permission denied|must have/i);
  });
});
