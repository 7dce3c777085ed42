import net from "node:net";
import { ViolationsSchema } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { OrderService } from "@grpc-edge/proto/orders/v1";
import { UserService } from "@grpc-edge/proto/user/v1";
import { startService } from "@grpc-edge/service-kit";
import { freePort, grpc, messageOf, serviceTokenInterceptor, TEST_SERVICE_TOKEN_SECRET, violationsOf } from "@grpc-edge/service-kit/testing";
import { afterAll, describe, expect, it } from "vitest";
import { userServiceDefinition } from "../src/index.ts";
import { engines, stopPostgres } from "./service-pair.ts";
import { startUserAndOrder } from "./start-user-and-order.ts";
import { grpcJsClients } from "./grpc-js-clients.ts";

const quiet = { PORT: "0", METRICS_PORT: "0", SEED_DEMO_DATA: "true", LOG_LEVEL: "silent", SERVICE_TOKEN_SECRET: TEST_SERVICE_TOKEN_SECRET };

/** The original example's data set as a gRPC client in another language sees it. */
const petar = {
  id: 1,
  first_name: "Petar",
  last_name: "Petrovic",
  email: "petar.petrovic@gmail.com",
};

afterAll(stopPostgres);

describe.each(engines("it"))("user service + order service on %s", (_engine, databases) => {
  const running = startUserAndOrder(databases);

  it("GetUserById returns the user with her orders to a plain @grpc/grpc-js client", async () => {
    const res = await running.clients.call(running.clients.user, "GetUserById", { id: 1 });
    expect(res.user).toMatchObject(petar);
    expect(res.user.orders.map((o: any) => [o.id, o.item.name, o.amount, o.order_date.seconds, o.status])).toEqual([
      [1, "pencil", 10, "1682899200", "ORDER_STATUS_PLACED"],
      [2, "book", 25, "1682985600", "ORDER_STATUS_PLACED"],
      [3, "magic stick", 12, "1683072000", "ORDER_STATUS_PLACED"],
    ]);
  });

  it("GetAllUsers returns every user with their orders, on one page", async () => {
    const res = await running.clients.call(running.clients.user, "GetAllUsers", {});
    expect(res.users.map((u: any) => [u.id, u.first_name, u.email, u.orders.length])).toEqual([
      [1, "Petar", "petar.petrovic@gmail.com", 3],
      [2, "Jovan", "jovan.jovanovic@gmail.com", 1],
      [3, "Jovica", "jovica.jovic@gamil.com", 0],
    ]);
    expect(res.next_page_token).toBe("");
  });

  it("answers NOT_FOUND and INVALID_ARGUMENT (with its violations) with gRPC status codes", async () => {
    const missing = await running.clients.fail(running.clients.user, "GetUserById", { id: 99 });
    expect([missing.code, messageOf(missing)]).toEqual([grpc.status.NOT_FOUND, "user 99 not found"]);
    const invalid = await running.clients.fail(running.clients.user, "GetUserById", { id: 0 });
    expect([invalid.code, violationsOf(invalid)]).toEqual([grpc.status.INVALID_ARGUMENT, ["id: must be greater than 0"]]);
  });

  it("reports both of the services it serves through grpc.health.v1", async () => {
    for (const service of ["user.v1.UserService", "orders.v1.OrderService"]) {
      expect(await running.clients.call(running.clients.health, "Check", { service })).toEqual({ status: "SERVING" });
    }
  });

  it("answers Connect over HTTP/1.1 on the same port, as the Worker calls it", async () => {
    const client = createClient(UserService, createConnectTransport({ baseUrl: running.pair.user.url, httpVersion: "1.1", interceptors: [serviceTokenInterceptor()] }));
    const res = await client.getUserById({ id: 2 });
    expect(res.user?.firstName).toBe("Jovan");
    expect(res.user?.orders[0]?.orderDate?.seconds).toBe(1683158400n);
  });

  it("gives Connect callers the violations as a buf.validate.Violations detail, on the OrderService facade too", async () => {
    const transport = createConnectTransport({ baseUrl: running.pair.user.url, httpVersion: "1.1", interceptors: [serviceTokenInterceptor()] });
    const error = await createClient(OrderService, transport)
      .createOrder({ userId: 1, itemId: 99, amount: 0 })
      .then(() => expect.unreachable(), (e: unknown) => ConnectError.from(e));
    expect([error.code, error.rawMessage]).toEqual([Code.InvalidArgument, "amount: must be greater than or equal to 1 and less than or equal to 10000"]);
    expect(error.findDetails(ViolationsSchema)[0]?.violations.map((v) => [v.field?.elements[0]?.fieldName, v.ruleId])).toEqual([["amount", "int32.gte_lte"]]);
    const unknownItem = await createClient(OrderService, transport)
      .createOrder({ userId: 1, itemId: 99, amount: 1 })
      .then(() => expect.unreachable(), (e: unknown) => ConnectError.from(e));
    expect(unknownItem.findDetails(ViolationsSchema)[0]?.violations.map((v) => [v.field?.elements[0]?.fieldName, v.message])).toEqual([
      ["item_id", "item 99 does not exist"],
    ]);
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
