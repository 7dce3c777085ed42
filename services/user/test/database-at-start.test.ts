import { fileURLToPath } from "node:url";
import { freePort, grpc, spawnServiceProcess, startPostgresCluster, type PostgresCluster, type ServiceProcess } from "@grpc-edge/service-kit/testing";
import { grpcJsClients } from "./grpc-js-clients.ts";
import { afterEach, describe, expect, it } from "vitest";

// Both services as their containers run them, started before their PostgreSQL exists
// (the first `terraform apply`: tasks up before the Aurora instances).
const mains = {
  order: fileURLToPath(new URL("../../order/src/main.ts", import.meta.url)),
  user: fileURLToPath(new URL("../src/main.ts", import.meta.url)),
};
const rpcOf = {
  order: ["order", "GetItem", { id: 1 }],
  // (CreateUser needs no order service.)
  user: ["user", "CreateUser", { first_name: "Ada", last_name: "Lovelace", email: "ada@example.com" }],
} as const;
const PASSWORD = "pw-that-must-never-be-logged";

let proc: ServiceProcess | undefined;
let cluster: PostgresCluster | undefined;
let clients: ReturnType<typeof grpcJsClients> | undefined;
afterEach(async () => {
  clients?.close();
  await proc?.kill();
  await cluster?.stop();
  proc = cluster = clients = undefined;
});

const statusOf = (url: string) => fetch(url).then((r) => r.status, () => 0);

describe.each(["order", "user"] as const)("the %s service started before its database", (name) => {
  it("stays up and not ready, retrying with every attempt logged; ready and answering once the database comes; not ready when it goes", async () => {
    const [pgPort, port] = [await freePort(), await freePort()];
    const url = `http://127.0.0.1:${port}`;
    proc = spawnServiceProcess(mains[name], {
      PORT: String(port),
      HOST: "127.0.0.1",
      METRICS_PORT: "0",
      DATABASE_URL: `postgres://postgres:${PASSWORD}@127.0.0.1:${pgPort}/${name}s`,
      DATABASE_CONNECT_RETRY_MAX_MS: "200",
      SEED_DEMO_DATA: "true",
    });
    clients = grpcJsClients(url);
    const [client, method, request] = rpcOf[name];
    const health = async () => (await clients!.call(clients!.health, "Check", { service: "" })).status;

    // Alive, not ready: the probes answer, RPCs are told to come back later.
    await expect.poll(() => statusOf(`${url}/healthz`), { timeout: 15_000 }).toBe(200);
    expect(await statusOf(`${url}/readyz`)).toBe(503);
    expect(await health()).toBe("NOT_SERVING");
    expect((await clients.fail(clients[client], method, request)).code).toBe(grpc.status.UNAVAILABLE);
    const retries = () => proc!.logs().filter((l) => l.msg === "database not ready; retrying");
    await expect.poll(() => retries().length, { timeout: 10_000 }).toBeGreaterThanOrEqual(4);
    for (const line of retries()) {
      expect(line).toMatchObject({ level: "warn", database: `postgres://postgres@127.0.0.1:${pgPort}/${name}s?sslmode=disable` });
      expect(String(line.reason)).toMatch(/ECONNREFUSED/);
      expect(line.retryInMs).toBeLessThanOrEqual(200); // the cap
    }
    expect(proc.running()).toBe(true);

    // The server comes, then its database: ready, migrated, seeded, answering.
    cluster = await startPostgresCluster({ port: pgPort });
    await cluster.createDatabase(`${name}s`);
    await expect.poll(() => statusOf(`${url}/readyz`), { timeout: 15_000 }).toBe(200);
    expect(await health()).toBe("SERVING");
    expect(Number((await clients.call(clients[client], method, request)).id)).toBeGreaterThan(0);
    expect(proc.logs().some((l) => l.msg === "migrations")).toBe(true);

    // Ready means its database answers: without it, not ready again (still alive).
    await cluster.stop();
    cluster = undefined;
    await expect.poll(() => statusOf(`${url}/readyz`), { timeout: 5_000 }).toBe(503);
    expect(await health()).toBe("NOT_SERVING");
    expect(await statusOf(`${url}/healthz`)).toBe(200);
    expect(proc.running()).toBe(true);
    expect(proc.output()).not.toContain(PASSWORD);
  });
});

describe("a database the service must not touch", () => {
  it("exits 1 with one clear message (a newer build migrated it): retrying cannot fix that, and the deployment rolls back", async () => {
    cluster = await startPostgresCluster();
    const url = await cluster.createDatabase("orders_newer");
    cluster.sql("CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL); INSERT INTO schema_migrations VALUES (99, 'from_the_future', 'x')", "orders_newer");
    proc = spawnServiceProcess(mains.order, { PORT: "0", HOST: "127.0.0.1", DATABASE_URL: url });
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toContain("order-service: start-up failed: database has migration 99 (from_the_future) that this build does not know: refusing to run an older build");
    expect(proc.logs().some((l) => l.msg === "database not ready; retrying")).toBe(false);
  });
});

