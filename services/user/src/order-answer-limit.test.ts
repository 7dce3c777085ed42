// The user service reads at most readMaxBytes of an order-service answer: a bigger one is
// refused while it is read and becomes UPSTREAM_RESPONSE_TOO_LARGE (the gateway's 502), never
// a crash or an unbounded buffer. A real HTTP/2 connect-node server plays the order service.
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { ConnectError } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { ErrorInfoSchema } from "@grpc-edge/proto/google/rpc/error_details";
import { OrderService } from "@grpc-edge/proto/orders/v1";
import { ErrorReason } from "@grpc-edge/proto/shared-names";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrderClient, orderServiceError } from "./order-client.ts";

let server: http2.Http2Server;
let url: string;
beforeAll(async () => {
  server = http2.createServer(
    connectNodeAdapter({
      routes: (router) =>
        router.service(OrderService, {
          // 300 orders with long item names: ~30 KiB on the wire.
          getOrdersByUserIds: (req) => ({
            orders: Array.from({ length: 300 }, (_, i) => ({ id: i + 1, userId: req.userIds[0] ?? 1, item: { id: 1, name: "x".repeat(100) }, amount: 1 })),
          }),
        }),
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe("the user service's order client", () => {
  it("refuses an answer over its read limit as UPSTREAM_RESPONSE_TOO_LARGE", async () => {
    const orders = createOrderClient(url, { readMaxBytes: 8 * 1024 });
    try {
      const error = await orders.client.getOrdersByUserIds({ userIds: [1] }).then(
        () => expect.unreachable("the answer is over the limit"),
        (e: unknown) => orderServiceError(e),
      );
      expect(error).toBeInstanceOf(ConnectError);
      expect(error.findDetails(ErrorInfoSchema).map((d) => d.reason)).toEqual([ErrorReason.upstreamResponseTooLarge]);
    } finally {
      orders.close();
    }
  });

  it("reads the same answer under the default limit", async () => {
    const orders = createOrderClient(url);
    try {
      expect((await orders.client.getOrdersByUserIds({ userIds: [1] })).orders).toHaveLength(300);
    } finally {
      orders.close();
    }
  });
});
