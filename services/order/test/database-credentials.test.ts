import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, makeTestCertificates, spawnServiceProcess, startPostgresCluster, type PostgresCluster, type ServiceProcess, type TestCertificates } from "@grpc-edge/service-kit/testing";
import { grpcJsClients } from "../../user/test/grpc-js-clients.ts";
import { openPostgresDatabase, postgresConnection } from "@grpc-edge/service-kit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

// The order service as its container runs it, logging in as an application role (not the
// superuser) with a password from a file, over TLS verified against a CA made here.
const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
let cluster: PostgresCluster;
let certs: TestCertificates;
let strangers: TestCertificates;
let dir: string;
let proc: ServiceProcess | undefined;
let clients: ReturnType<typeof grpcJsClients> | undefined;

beforeAll(async () => {
  certs = makeTestCertificates(["IP:127.0.0.1", "DNS:localhost"]);
  strangers = makeTestCertificates(["IP:127.0.0.1", "DNS:localhost"]);
  cluster = await startPostgresCluster({ tls: { cert: certs.cert, key: certs.key }, passwords: true });
  // What the operator runs once as the master user (docs/deploy.md): a login role that owns its database.
  cluster.sql("CREATE ROLE order_app LOGIN PASSWORD 'first-password'");
  cluster.sql("CREATE DATABASE orders_app OWNER order_app");
  dir = mkdtempSync(join(tmpdir(), "grpc-edge-secret-"));
});
afterEach(async () => {
  clients?.close();
  await proc?.kill();
  proc = clients = undefined;
});
afterAll(async () => {
  await cluster?.stop();
  certs?.remove();
  strangers?.remove();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function startOrderService(env: Record<string, string>) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  proc = spawnServiceProcess(main, {
    PORT: String(port),
    HOST: "127.0.0.1",
    METRICS_PORT: "0",
    DATABASE_HOST: "127.0.0.1",
    DATABASE_PORT: String(cluster.port),
    DATABASE_NAME: "orders_app",
    DATABASE_USER: "order_app",
    DATABASE_SSLMODE: "verify-full",
    DATABASE_CONNECT_RETRY_MAX_MS: "200",
    SEED_DEMO_DATA: "true",
    ...env,
  });
  clients = grpcJsClients(url);
  return url;
}
const statusOf = (url: string) => fetch(url).then((r) => r.status, () => 0);
const backends = () => cluster.sql("SELECT a.pid, s.ssl FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) WHERE a.usename = 'order_app' ORDER BY 1").trim().split("\n").filter(Boolean);
const getItems = (n: number) => Promise.all(Array.from({ length: n }, (_, i) => clients!.call(clients!.order, "GetItem", { id: (i % 3) + 1 })));

/** true, or the SQLSTATE of the refused login. */
async function canLogIn(password: string): Promise<true | string> {
  const connection = postgresConnection({ host: "127.0.0.1", port: cluster.port, user: "order_app", name: "orders_app", password, sslMode: "no-verify" })!;
  return openPostgresDatabase({ connection, maxConnections: 1 }).then(
    (db) => db.close().then(() => true as const),
    (error: { code?: string }) => error.code ?? "?",
  );
}

describe("database credentials", () => {
  it("keeps answering across a password rotation: the password file is re-read after the login is refused (28P01)", async () => {
    const passwordFile = join(dir, "password");
    writeFileSync(passwordFile, "first-password\n");
    const url = await startOrderService({ DATABASE_PASSWORD_FILE: passwordFile, DATABASE_CA_FILE: certs.caFile });
    await expect.poll(() => statusOf(`${url}/readyz`), { timeout: 15_000 }).toBe(200);
    // The application role ran the migrations and owns what they made; it is no superuser.
    expect(cluster.sql("SELECT tableowner FROM pg_tables WHERE tablename = 'orders'", "orders_app").trim()).toBe("order_app");
    expect(cluster.sql("SELECT rolsuper FROM pg_roles WHERE rolname = 'order_app'").trim()).toBe("f");

    expect(await getItems(8)).toHaveLength(8);
    const before = backends();
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((row) => row.endsWith("|t"))).toBe(true); // every connection is TLS

    // Rotation as Secrets Manager's does it: the role's password changes, then the secret.
    cluster.sql("ALTER ROLE order_app PASSWORD 'second-password'");
    writeFileSync(passwordFile, "second-password\n");
    expect(await canLogIn("first-password")).toBe("28P01");
    // Sessions already logged in survive a password change; end them so the pool must log in again.
    cluster.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'order_app'");
    // Each of them reports it: the pool's connections and the WatchOrders listener's own.
    const lostConnection = new Set(["idle database connection failed", "database listener lost its connection"]);
    await expect.poll(() => proc!.logs().filter((l) => lostConnection.has(String(l.msg))).length).toBe(before.length);

    expect(await getItems(8)).toHaveLength(8);
    const after = backends();
    expect(after.length).toBeGreaterThan(0);
    expect(after.some((row) => before.includes(row))).toBe(false); // new connections only
    expect(after.every((row) => row.endsWith("|t"))).toBe(true);
    expect(proc!.logs().some((l) => l.msg === "database login refused: password re-read, logging in again")).toBe(true);
    expect(await statusOf(`${url}/readyz`)).toBe(200);
    expect(proc!.output()).not.toMatch(/first-password|second-password/);
    cluster.sql("ALTER ROLE order_app PASSWORD 'first-password'");
  });

  it("refuses a database whose certificate another CA signed: not ready, the reason logged, no exit", async () => {
    const passwordFile = join(dir, "password-2");
    writeFileSync(passwordFile, "first-password");
    const url = await startOrderService({ DATABASE_PASSWORD_FILE: passwordFile, DATABASE_CA_FILE: strangers.caFile });
    await expect.poll(() => proc!.logs().filter((l) => l.msg === "database not ready; retrying").length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    expect(String(proc!.logs().find((l) => l.msg === "database not ready; retrying")!.reason)).toMatch(/certificate/);
    expect(await statusOf(`${url}/readyz`)).toBe(503);
    expect(await statusOf(`${url}/healthz`)).toBe(200);
    expect(proc!.running()).toBe(true);
  });
});
