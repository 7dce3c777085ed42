import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTestCertificates, startPostgresCluster, type PostgresCluster, type TestCertificates } from "../../testing/index.ts";
import type { Database } from "./database.ts";
import { postgresConnection, type PostgresConnectionSettings } from "./postgres-connection.ts";
import { openPostgresDatabase } from "./postgres-database.ts";
import { isTransientDatabaseError } from "./transient-database-error.ts";

// A real PostgreSQL with ssl=on, its certificate (for localhost only) signed by a CA made here.
let cluster: PostgresCluster;
let ours: TestCertificates;
let strangers: TestCertificates;
beforeAll(async () => {
  ours = makeTestCertificates(["DNS:localhost"]);
  strangers = makeTestCertificates(["DNS:localhost", "IP:127.0.0.1"]);
  cluster = await startPostgresCluster({ tls: { cert: ours.cert, key: ours.key } });
});
afterAll(async () => {
  await cluster?.stop();
  ours?.remove();
  strangers?.remove();
});

async function sslInUse(settings: PostgresConnectionSettings): Promise<boolean> {
  const db: Database = await openPostgresDatabase({ connection: postgresConnection(settings)!, maxConnections: 1 });
  try {
    return (await db.query<{ ssl: boolean }>("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"))[0]!.ssl;
  } finally {
    await db.close();
  }
}
const refusal = (settings: PostgresConnectionSettings) => sslInUse(settings).then(() => undefined, (error: unknown) => error as Error & { code?: string });
const at = (host: string) => ({ host, port: cluster.port, user: "postgres" });

describe("TLS to PostgreSQL", () => {
  it("verify-full against the CA file: encrypted, the chain and the host name checked", async () => {
    expect(await sslInUse({ ...at("localhost"), sslMode: "verify-full", caFile: ours.caFile })).toBe(true);
    // The same through DATABASE_URL's own parameters; a CA file alone means verify-full.
    expect(await sslInUse({ url: `postgres://postgres@localhost:${cluster.port}/postgres?sslmode=verify-full&sslrootcert=${encodeURIComponent(ours.caFile)}` })).toBe(true);
    expect(await sslInUse({ ...at("localhost"), caFile: ours.caFile })).toBe(true);
  });

  it("refuses a server whose certificate another CA signed (and keeps retrying: not ready, not exited)", async () => {
    const error = await refusal({ ...at("localhost"), sslMode: "verify-full", caFile: strangers.caFile });
    expect(error?.message).toMatch(/certificate/);
    expect(isTransientDatabaseError(error)).toBe(true);
  });

  it("refuses a certificate that does not name the host connected to (verify-full), which verify-ca accepts", async () => {
    const error = await refusal({ ...at("127.0.0.1"), sslMode: "verify-full", caFile: ours.caFile });
    expect(error?.code).toBe("ERR_TLS_CERT_ALTNAME_INVALID");
    expect(await sslInUse({ ...at("127.0.0.1"), sslMode: "verify-ca", caFile: ours.caFile })).toBe(true);
  });

  it("refuses, without a CA file, a certificate Node's trust store does not know", async () => {
    expect((await refusal({ ...at("localhost"), sslMode: "verify-full" }))?.message).toMatch(/certificate/);
    // no-verify encrypts without checking anything (the old default; not for production).
    expect(await sslInUse({ ...at("localhost"), sslMode: "no-verify" })).toBe(true);
  });

  it("rejects settings it cannot honour with a clear message", () => {
    expect(() => postgresConnection({ url: "postgres://u@h/db?sslmode=prefer" })).toThrow('sslmode must be one of disable, no-verify, require, verify-ca, verify-full (got "prefer")');
    expect(() => postgresConnection({ url: "postgres://u@h/db?application_name=x" })).toThrow('DATABASE_URL parameter "application_name" is not supported');
    expect(() => postgresConnection({ host: "h", caFile: "/nonexistent/ca.pem" })).toThrow("cannot read the database CA file /nonexistent/ca.pem: ENOENT");
    expect(() => postgresConnection({ host: "h", password: "pw", passwordFile: "/run/secrets/pw" })).toThrow("set either DATABASE_PASSWORD_FILE or a password");
    expect(postgresConnection({ url: "postgres://app:s3cret@db.internal:6432/orders" })!.safeUrl).toBe("postgres://app@db.internal:6432/orders?sslmode=disable");
    // DATABASE_AUTH=iam: a token instead of any password, signed for a region, never sent in the clear.
    const iam = { host: "h", auth: "iam", region: "eu-west-1", sslMode: "verify-full", awsCredentials: { accessKeyId: "AKID", secretAccessKey: "s" } } as const;
    expect(postgresConnection(iam)!.safeUrl).toBe("postgres://postgres@h:5432/postgres?sslmode=verify-full");
    expect(() => postgresConnection({ ...iam, passwordFile: "/run/secrets/pw" })).toThrow("DATABASE_AUTH=iam logs in with IAM tokens: unset DATABASE_PASSWORD");
    expect(() => postgresConnection({ ...iam, region: undefined })).toThrow("DATABASE_AUTH=iam needs AWS_REGION");
    expect(() => postgresConnection({ ...iam, sslMode: undefined })).toThrow("DATABASE_AUTH=iam needs TLS");
    expect(() => postgresConnection({ ...iam, awsCredentials: {} })).toThrow("no AWS credentials");
  });
});
