import net from "node:net";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { UserService } from "@grpc-edge/proto/user/v1";
import { orderServiceDefinition } from "@grpc-edge/order-service";
import { startService, type RunningService } from "@grpc-edge/service-kit";
import { freePort, grpc, grpcJsClients, startPostgresCluster, type PostgresCluster } from "@grpc-edge/service-kit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { userServiceDefinition } from "../src/index.ts";

const quiet = { PORT: "0", SEED_DEMO_DATA: "true", LOG_LEVEL: "silent" };

/** The original example's data set as a gRPC client in another language sees it. */
const petar = {
  id: 1,
  first_name: "Petar",
  last_name: "Petrovic",
  email: "petar.petrovic@gmail.com",
};

async function startPair(db: { user: Record<string, string>; order: Record<string, string> }) {
  const order = await startService(orderServiceDefinition, { ...quiet, ...db.order });
  const user = await startService(userServiceDefinition, { ...quiet, ...db.user, ORDER_SERVICE_URL: order.url });
  return { order, user, stop: () => Promise.all([user.stop(1_000), order.stop(1_000)]) };
}

// The same behaviour on embedded PGlite and on a real PostgreSQL server.
let cluster: PostgresCluster;
beforeAll(async () => {
  cluster = await startPostgresCluster();
});
afterAll(() => cluster?.stop());

const engines = [
  ["PGlite", async () => ({ user: { PGLITE_DATA_DIR: "memory://" }, order: { PGLITE_DATA_DIR: "memory://" } })],
  ["PostgreSQL", async () => ({ user: { DATABASE_URL: await cluster.createDatabase("users_it") }, order: { DATABASE_URL: await cluster.createDatabase("orders_it") } })],
] as const;

describe.each(engines)("user service + order service on %s", (_engine, databases) => {
  let pair: Awaited<ReturnType<typeof startPair>>;
  let clients: ReturnType<typeof grpcJsClients>;
  beforeAll(async () => {
    pair = await startPair(await databases());
    clients = grpcJsClients(pair.user.url);
  });
  afterAll(async () => {
    clients?.close();
    await pair?.stop();
  });

  it("GetUserById returns the user with her orders to a plain @grpc/grpc-js client", async () => {
    const res = await clients.call(clients.user, "GetUserById", { id: 1 });
    expect(res.user).toMatchObject(petar);
    expect(res.user.orders.map((o: any) => [o.id, o.item.name, o.amount, o.order_date.seconds])).toEqual([
      [1, "pencil", 10, "1682899200"],
      [2, "book", 25, "1682985600"],
      [3, "magic stick", 12, "1683072000"],
    ]);
  });

  it("GetAllUsers returns every user with their orders", async () => {
    const res = await clients.call(clients.user, "GetAllUsers", {});
    expect(res.users.map((u: any) => [u.id, u.first_name, u.email, u.orders.length])).toEqual([
      [1, "Petar", "petar.petrovic@gmail.com", 3],
      [2, "Jovan", "jovan.jovanovic@gmail.com", 1],
      [3, "Jovica", "jovica.jovic@gamil.com", 0],
    ]);
  });

  it("answers NOT_FOUND and INVALID_ARGUMENT with gRPC status codes", async () => {
    await expect(clients.call(clients.user, "GetUserById", { id: 99 })).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
    await expect(clients.call(clients.user, "GetUserById", { id: 0 })).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
  });

  it("answers Connect over HTTP/1.1 on the same port, as the Worker calls it", async () => {
    const client = createClient(UserService, createConnectTransport({ baseUrl: pair.user.url, httpVersion: "1.1" }));
    const res = await client.getUserById({ id: 2 });
    expect(res.user?.firstName).toBe("Jovan");
    expect(res.user?.orders[0]?.orderDate?.seconds).toBe(1683158400n);
  });
});

describe("user service when the order service misbehaves", () => {
  it("answers UNAVAILABLE quickly when the order service is down", async () => {
    const closedPort = await freePort();
    const user = await startService(userServiceDefinition, { ...quiet, PGLITE_DATA_DIR: "memory://", ORDER_SERVICE_URL: `http://127.0.0.1:${closedPort}` });
    const clients = grpcJsClients(user.url);
    try {
      const started = Date.now();
      await expect(clients.call(clients.user, "GetUserById", { id: 1 })).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      clients.close();
      await user.stop(1_000);
    }
  });

  it("gives up at the caller's deadline when the order service never answers", async () => {
    // A black hole: accepts connections, never replies.
    const sockets = new Set<net.Socket>();
    const blackHole = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => blackHole.listen(0, "127.0.0.1", resolve));
    const port = (blackHole.address() as net.AddressInfo).port;
    const user = await startService(userServiceDefinition, { ...quiet, PGLITE_DATA_DIR: "memory://", ORDER_SERVICE_URL: `http://127.0.0.1:${port}` });
    const clients = grpcJsClients(user.url);
    try {
      const started = Date.now();
      await expect(clients.call(clients.user, "GetUserById", { id: 1 }, 500)).rejects.toMatchObject({ code: grpc.status.DEADLINE_EXCEEDED });
      expect(Date.now() - started).toBeLessThan(1_500);
      // The user service itself is not stuck: it still answers.
      await expect(clients.call(clients.user, "GetUserById", { id: 99 })).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
    } finally {
      clients.close();
      await user.stop(1_000);
      for (const socket of sockets) socket.destroy();
      blackHole.close();
    }
  });
});
