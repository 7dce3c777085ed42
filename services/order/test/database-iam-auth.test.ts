import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Signer } from "@aws-sdk/rds-signer";
import { startService, type RunningService } from "@grpc-edge/service-kit";
import { makeTestCertificates, startPostgresCluster, testServiceEnv, type PostgresCluster, type TestCertificates } from "@grpc-edge/service-kit/testing";
import { grpcJsClients } from "../../user/test/grpc-js-clients.ts";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { orderServiceDefinition } from "../src/index.ts";

// DATABASE_AUTH=iam against a real PostgreSQL. RDS checks an IAM token's signature; a plain
// PostgreSQL cannot, so the role's password is set to the one token the service must present:
// the token the AWS SDK's signer computes for the stub's task-role keys at the frozen clock.
// Moving the clock and the role's password on, and ending every session, shows each new
// connection logs in with a token signed at its own time (an old or cached one is refused).
const REGION = "eu-west-1";
const T0 = new Date("2026-12-03T09:00:00.000Z");
const taskRole = { accessKeyId: "ASIATASKROLE0000", secretAccessKey: "task/role+secret", sessionToken: "task-session-token" };
let cluster: PostgresCluster;
let certs: TestCertificates;
let credentialsServer: Server;
let credentialsUrl: string;
let credentialRequests = 0;
let service: RunningService | undefined;
let clients: ReturnType<typeof grpcJsClients> | undefined;

beforeAll(async () => {
  certs = makeTestCertificates(["IP:127.0.0.1", "DNS:localhost"]);
  cluster = await startPostgresCluster({ tls: { cert: certs.cert, key: certs.key }, passwords: true });
  cluster.sql("CREATE ROLE order_app LOGIN PASSWORD 'not-a-token'");
  cluster.sql("CREATE DATABASE orders_app OWNER order_app");
  // The ECS container credentials endpoint, on loopback.
  credentialsServer = createServer((req, res) => {
    credentialRequests++;
    if (req.headers.authorization !== "stub-container-auth") return void res.writeHead(401).end();
    const expiration = new Date(Date.now() + 6 * 60 * 60_000).toISOString();
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ AccessKeyId: taskRole.accessKeyId, SecretAccessKey: taskRole.secretAccessKey, Token: taskRole.sessionToken, Expiration: expiration }));
  });
  await new Promise<void>((resolve) => credentialsServer.listen(0, "127.0.0.1", resolve));
  credentialsUrl = `http://127.0.0.1:${(credentialsServer.address() as AddressInfo).port}/v2/credentials/task-role`;
});
afterAll(async () => {
  clients?.close();
  await service?.stop(0);
  vi.useRealTimers();
  await new Promise<void>((resolve) => credentialsServer?.close(() => resolve()));
  await cluster?.stop();
  certs?.remove();
});

const tokenAt = (at: Date) => {
  vi.setSystemTime(at);
  return new Signer({ hostname: "127.0.0.1", port: cluster.port, username: "order_app", region: REGION, credentials: taskRole }).getAuthToken();
};
const sessions = () => cluster.sql("SELECT a.pid, s.ssl FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) WHERE a.usename = 'order_app' ORDER BY 1").trim().split("\n").filter(Boolean);
const getItems = (n: number) => Promise.all(Array.from({ length: n }, (_, i) => clients!.call(clients!.order, "GetItem", { id: (i % 3) + 1 })));

describe("database login with RDS IAM authentication (DATABASE_AUTH=iam)", () => {
  it("presents a token signed for the current time at every new connection, with the task role's cached credentials, over verified TLS", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const first = await tokenAt(T0);
    expect(first).toMatch(/^127\.0\.0\.1:\d+\/\?Action=connect&DBUser=order_app&/);
    cluster.sql(`ALTER ROLE order_app PASSWORD '${first}'`);
    service = await startService(
      orderServiceDefinition,
      testServiceEnv({
        DATABASE_HOST: "127.0.0.1",
        DATABASE_PORT: String(cluster.port),
        DATABASE_NAME: "orders_app",
        DATABASE_USER: "order_app",
        DATABASE_AUTH: "iam",
        AWS_REGION: REGION,
        DATABASE_SSLMODE: "verify-full",
        DATABASE_CA_FILE: certs.caFile,
        AWS_CONTAINER_CREDENTIALS_FULL_URI: credentialsUrl,
        AWS_CONTAINER_AUTHORIZATION_TOKEN: "stub-container-auth",
        SEED_DEMO_DATA: "true",
      }),
    );
    clients = grpcJsClients(service.url);
    expect(await getItems(6)).toHaveLength(6);
    const before = sessions();
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((row) => row.endsWith("|t"))).toBe(true);

    // Ten minutes on: only the token signed now opens the door.
    const second = await tokenAt(new Date(T0.getTime() + 10 * 60_000));
    expect(second).not.toBe(first);
    cluster.sql(`ALTER ROLE order_app PASSWORD '${second}'`);
    cluster.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'order_app'");
    await expect.poll(() => service!.db.poolStats().total).toBe(0);

    expect(await getItems(6)).toHaveLength(6);
    const after = sessions();
    expect(after.length).toBeGreaterThan(0);
    expect(after.some((row) => before.includes(row))).toBe(false);
    expect(after.every((row) => row.endsWith("|t"))).toBe(true);
    // One fetch of the task role's keys served every login (they expire in 6 hours).
    expect(credentialRequests).toBe(1);
  });
});
