// The gateway's read of an upstream answer is bounded (transport/read-bounded-body.ts), in
// real workerd: a fixture upstream on loopback answers a Connect call with a body past the
// limit, streamed (no Content-Length) or declared up front. The caller gets a 502 problem
// of its own type, and the Worker keeps serving.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_UPSTREAM_BODY_BYTES } from "../src/transport/read-bounded-body.ts";
import { startGateway, type RunningGateway } from "./start-gateway.ts";

const chunk = new Uint8Array(64 * 1024).fill(0x0a);
// The streamed answer: up to 64× the limit (far more than socket buffers hold), unless the
// reader goes away first. How many chunks were written, and whether it was cut off.
const streamCap = 64 * MAX_UPSTREAM_BODY_BYTES;
let streamedChunks = 0;
let streamCutOff = false;
let upstream: http.Server;
let gateway: RunningGateway;

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    req.resume();
    // Keyed on the Connect path: GetUserById streams too much, GetAllUsers declares too much.
    if (req.url?.endsWith("/GetUserById")) {
      res.writeHead(200, { "Content-Type": "application/proto" });
      const pump = () => {
        while (streamedChunks * chunk.byteLength < streamCap) {
          streamedChunks++;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end();
      };
      res.on("close", () => {
        res.removeAllListeners("drain");
        if (!res.writableFinished) streamCutOff = true;
      });
      pump();
      return;
    }
    if (req.url?.endsWith("/GetAllUsers")) {
      res.writeHead(200, { "Content-Type": "application/proto", "Content-Length": String(MAX_UPSTREAM_BODY_BYTES + 1) });
      res.end(new Uint8Array(MAX_UPSTREAM_BODY_BYTES + 1));
      return;
    }
    // Anything else: an empty message, a valid answer to any RPC.
    res.writeHead(200, { "Content-Type": "application/proto", "Content-Length": "0" });
    res.end();
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  gateway = await startGateway({ userServiceUrl: url, orderServiceUrl: url });
});
afterAll(async () => {
  await gateway?.stop();
  upstream?.closeAllConnections();
  upstream?.close();
});

async function expectTooLarge(res: Response): Promise<void> {
  expect(res.status).toBe(502);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  expect(await res.json()).toMatchObject({
    status: 502,
    type: "https://grpc-edge.dev/problems/upstream-response-too-large",
    title: "Upstream response too large",
  });
}

describe("an upstream answer larger than the gateway reads", () => {
  it("streamed without Content-Length: 502 of its own type, the read abandoned early", async () => {
    await expectTooLarge(await fetch(`${gateway.url}/api/users/1`));
    // The gateway stopped reading past the limit and let the connection go: the fixture was cut off.
    await expect.poll(() => streamCutOff, { timeout: 5_000 }).toBe(true);
    expect(streamedChunks * chunk.byteLength).toBeLessThan(streamCap);
  });

  it("declared too large by Content-Length: 502 without reading it", async () => {
    await expectTooLarge(await fetch(`${gateway.url}/api/users`));
  });

  it("the Worker keeps serving: the next request is answered", async () => {
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
    const res = await fetch(`${gateway.url}/api/items/1`);
    expect([res.status, await res.json()]).toEqual([200, { id: 0, name: "" }]);
  });
});
