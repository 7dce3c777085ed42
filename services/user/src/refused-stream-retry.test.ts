import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { Code, ConnectError } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { OrderService } from "@grpc-edge/proto/orders/v1";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createOrderClient, orderServiceError } from "./order-client.ts";
import { isRefusedStream } from "./refused-stream-retry.ts";

// A real HTTP/2 server that refuses the next `refuse` streams with RST_STREAM(REFUSED_STREAM),
// as a server that has sent GOAWAY does with streams it will not serve.
let refuse = 0;
// Connections the server is about to kill: the next test waits for them, or a kill meant for
// one test (a slow machine delays it) lands under the next test's call.
const kills: Promise<void>[] = [];
let streams = 0;
// A call asks for its own fault in this header, so a call a previous test cancelled
// (which may reach the server late) can never take another call's fault.
const FAULT = "x-test-fault";
const served: string[] = [];
let server: http2.Http2Server;
let orders: ReturnType<typeof createOrderClient>;

beforeAll(async () => {
  const handler = connectNodeAdapter({
    routes: (router) =>
      router.service(OrderService, {
        getItem: (req) => {
          served.push(`getItem ${req.id}`);
          if (req.id === 404) throw new ConnectError("no such item", Code.NotFound);
          if (req.id === 409) throw new ConnectError("in flight", Code.Aborted);
          return { id: req.id, name: "pencil" };
        },
        createOrder: (req) => {
          served.push(`createOrder ${req.userId}`);
          return { id: 1, userId: req.userId, amount: req.amount };
        },
      }),
  });
  server = http2.createServer((req, res) => {
    streams++;
    const fault = req.headers[FAULT];
    // A call that never gets an answer (cancelled by its caller).
    if (fault === "hang") return;
    // The order service dies with the call in flight: its TCP connection just closes.
    if (fault === "close" || fault === "reset") {
      const how = fault;
      const socket = req.stream.session!.socket as import("node:net").Socket;
      // (A socket the session has already let go of throws: then it is gone anyway.)
      return void kills.push(
        new Promise<void>((resolve) =>
          setTimeout(() => {
            try {
              if (how === "reset") socket.resetAndDestroy();
              else socket.destroy();
            } catch {}
            resolve();
          }, 20),
        ),
      );
    }
    if (refuse > 0) {
      refuse--;
      return req.stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
    }
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
});
// Each test gets its own client (its own HTTP/2 session): a connection an earlier test had
// killed cannot fail a later test's call, however slow the machine is.
beforeEach(async () => {
  await Promise.all(kills.splice(0));
  orders = createOrderClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  refuse = 0;
  streams = 0;
  served.length = 0;
});
afterEach(() => orders.close());

async function codeOf(promise: Promise<unknown>): Promise<Code | "ok"> {
  return promise.then(
    () => "ok" as const,
    (err: unknown) => ConnectError.from(err).code,
  );
}

describe("the order client and refused streams", () => {
  it("a read whose stream is refused is sent once more and succeeds", async () => {
    refuse = 1;
    expect((await orders.client.getItem({ id: 7 })).name).toBe("pencil");
    expect(streams).toBe(2);
    expect(served).toEqual(["getItem 7"]);
  });

  it("so is a write: a refused stream was never processed (RFC 9113 §8.7)", async () => {
    refuse = 1;
    expect((await orders.client.createOrder({ userId: 3, itemId: 1, amount: 2 })).userId).toBe(3);
    expect(served).toEqual(["createOrder 3"]);
  });

  it("refused twice: UNAVAILABLE after exactly two attempts", async () => {
    refuse = 5;
    expect(await codeOf(orders.client.getItem({ id: 7 }))).toBe(Code.Unavailable);
    expect(streams).toBe(2);
    expect(served).toEqual([]);
  });

  it("any other failure is not retried", async () => {
    expect(await codeOf(orders.client.getItem({ id: 404 }))).toBe(Code.NotFound);
    expect(streams).toBe(1);
  });

  it("a refused stream becomes UNAVAILABLE for the user service's callers, not INTERNAL", async () => {
    refuse = 5;
    const error = await orders.client.getItem({ id: 7 }).catch((err: unknown) => err);
    expect(isRefusedStream(error)).toBe(true);
    expect(orderServiceError(error).code).toBe(Code.Unavailable);
    expect(orderServiceError(new ConnectError("boom", Code.Internal)).code).toBe(Code.Internal);
  });

  it.each(["close", "reset"] as const)(
    "a connection lost under a call (%s) is UNAVAILABLE, not CANCELED or ABORTED; a call we cancel stays CANCELED",
    async (how) => {
      const error = await orders.client.getItem({ id: 7 }, { headers: { [FAULT]: how } }).catch((err: unknown) => err);
      expect(ConnectError.from(error).code).toBe(Code.Unavailable);
      expect(orderServiceError(error).code).toBe(Code.Unavailable);
      expect(served).toEqual([]);

      const abort = new AbortController();
      setTimeout(() => abort.abort(), 5);
      expect(await codeOf(orders.client.getItem({ id: 7 }, { signal: abort.signal, headers: { [FAULT]: "hang" } }))).toBe(Code.Canceled);
    },
  );

  it("an ABORTED the order service answers stays ABORTED", async () => {
    expect(await codeOf(orders.client.getItem({ id: 409 }))).toBe(Code.Aborted);
  });
});
