// Request size limit (MAX_MESSAGE_BYTES) over gRPC and Connect, and the caller's
// deadline reaching into PostgreSQL: a statement still waiting at the deadline is
// cancelled by the server and the call answers DEADLINE_EXCEEDED.
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { OrderService } from "@grpc-edge/proto/orders/v1";
import { openPostgresDatabase, startService, type Database, type RunningService } from "@grpc-edge/service-kit";
import { grpc, serviceTokenInterceptor, usePostgresCluster, testServiceEnv, type PostgresCluster } from "@grpc-edge/service-kit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orderServiceDefinition } from "../src/index.ts";
import { grpcJsClients } from "../../user/test/grpc-js-clients.ts";

let cluster: PostgresCluster;
let service: RunningService;
let observer: Database;
let clients: ReturnType<typeof grpcJsClients>;
beforeAll(async () => {
  cluster = await usePostgresCluster();
  const url = await cluster.createDatabase("limits");
  service = await startService(orderServiceDefinition, testServiceEnv({ DATABASE_URL: url, SEED_DEMO_DATA: "true", MAX_MESSAGE_BYTES: "65536" }));
  observer = await openPostgresDatabase({ connectionString: url, maxConnections: 2 });
  clients = grpcJsClients(service.url);
});
afterAll(async () => {
  clients?.close();
  await observer?.close();
  await service?.stop(1_000);
  await cluster?.stop();
});

// Ids from 1,000,000 are 3 bytes each on the wire (packed): 30,000 of them are ~90 KB, 10,000 ~30 KB.
const ids = (count: number) => Array.from({ length: count }, (_, i) => 1_000_000 + i);

describe("MAX_MESSAGE_BYTES (64 KiB)", () => {
  it("refuses a larger message over gRPC with RESOURCE_EXHAUSTED, before validation or the handler", async () => {
    const error = await clients.fail(clients.order, "GetOrdersByUserIds", { user_ids: ids(30_000) });
    expect(error.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    // Just under the limit, the message is read: here the contract's 1,000-id rule answers.
    expect((await clients.fail(clients.order, "GetOrdersByUserIds", { user_ids: ids(10_000) })).code).toBe(grpc.status.INVALID_ARGUMENT);
  });

  it("refuses a larger message over Connect (HTTP/1.1) the same way", async () => {
    const client = createClient(OrderService, createConnectTransport({ baseUrl: service.url, httpVersion: "1.1", interceptors: [serviceTokenInterceptor()] }));
    const error = await client.getOrdersByUserIds({ userIds: ids(30_000) }).then(
      () => expect.unreachable(),
      (e: unknown) => ConnectError.from(e),
    );
    expect(error.code).toBe(Code.ResourceExhausted);
    expect((await client.getItem({ id: 1 })).name).toBe("pencil");
  });
});

describe("deadlines into PostgreSQL", () => {
  it("cancels a statement still waiting at the caller's deadline: DEADLINE_EXCEEDED, and nothing keeps running", async () => {
    // Another session holds the items table, so GetItem's SELECT waits for it.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const locked = observer.transaction(async (tx) => {
      await tx.query("LOCK TABLE items IN ACCESS EXCLUSIVE MODE");
      await held;
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const started = Date.now();
      const error = await clients.fail(clients.order, "GetItem", { id: 1 }, 400);
      expect(error.code).toBe(grpc.status.DEADLINE_EXCEEDED);
      expect(Date.now() - started).toBeLessThan(1_500);
      // The server gave up on the statement: no session is left waiting on the lock.
      await expect
        .poll(() => observer.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%FROM items WHERE id%' AND state = 'active' AND pid <> pg_backend_pid()").then((r) => r[0]!.n), {
          timeout: 2_000,
        })
        .toBe(0);
    } finally {
      release();
      await locked;
    }
    expect(await clients.call(clients.order, "GetItem", { id: 1 }, 2_000)).toEqual({ id: 1, name: "pencil" });
  });
});
