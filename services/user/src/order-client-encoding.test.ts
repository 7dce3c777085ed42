// The order service answers the user service uncompressed: a connect-node server gzips
// any answer over 1 KiB to a client that accepts it, which on the private network only
// cost both services CPU. A real HTTP/2 connect-node server (default compression) plays
// the order service and records how each answer was encoded.
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { createClient } from "@connectrpc/connect";
import { connectNodeAdapter, createGrpcTransport } from "@connectrpc/connect-node";
import { OrderService } from "@grpc-edge/proto/orders/v1";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrderClient } from "./order-client.ts";

let server: http2.Http2Server;
let url: string;
const encodings: string[] = [];
beforeAll(async () => {
  const handler = connectNodeAdapter({
    routes: (router) =>
      router.service(OrderService, {
        // 200 orders: ~15 KiB on the wire, well over connect's 1 KiB compression threshold.
        getOrdersByUserIds: (req) => ({
          orders: Array.from({ length: 200 }, (_, i) => ({ id: i + 1, userId: req.userIds[0] ?? 1, item: { id: 1, name: `item ${i}`.repeat(8) }, amount: 1 })),
        }),
      }),
  });
  server = http2.createServer((req, res) => {
    res.on("finish", () => encodings.push(String(res.getHeader("grpc-encoding") ?? "identity")));
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe("the user service's order client", () => {
  it("gets the order service's answers uncompressed", async () => {
    const orders = createOrderClient(url);
    try {
      encodings.length = 0;
      expect((await orders.client.getOrdersByUserIds({ userIds: [1] })).orders).toHaveLength(200);
      expect(encodings).toEqual(["identity"]);
    } finally {
      orders.close();
    }
  });

  it("is what changes the encoding: connect-node's default client gets the same answer gzipped", async () => {
    const transport = createGrpcTransport({ baseUrl: url });
    encodings.length = 0;
    expect((await createClient(OrderService, transport).getOrdersByUserIds({ userIds: [1] })).orders).toHaveLength(200);
    expect(encodings).toEqual(["gzip"]);
  });
});
