// The gateway's read of an upstream answer is bounded (transport/read-bounded-body.ts), in
// real workerd: a fixture upstream on loopback answers a Connect call with a body past the
// limit, streamed (no Content-Length) or declared up front. The caller gets a 502 problem
// of its own type, and the Worker keeps serving.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { create, toBinary } from "@bufbuild/protobuf";
import { GetUserResponseSchema } from "@grpc-edge/proto/user/v1";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_UPSTREAM_BODY_BYTES } from "../src/transport/read-bounded-body.ts";
import { startGateway, type RunningGateway } from "./start-gateway.ts";

const chunk = new Uint8Array(64 * 1024).fill(0x0a);
// Chunks the fixture wrote for the streamed answer: it stops once the reader goes away.
let streamedChunks = 0;
let upstream: http.Server;
let gateway: RunningGateway;

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    req.resume();
    // Keyed on the Connect path: GetUserById streams too much, GetAllUsers declares too much.
    if (req.url?.endsWith("/GetUserById")) {
      res.writeHead(200, { "Content-Type": "application/proto" });
      const pump = () => {
        // Bounded: 4× the limit at most, whatever the reader does.
        while (streamedChunks * chunk.byteLength < 4 * MAX_UPSTREAM_BODY_BYTES) {
          streamedChunks++;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end();
      };
      res.on("close", () => res.removeAllListeners("drain"));
      pump();
      return;
    }
    if (req.url?.endsWith("/GetAllUsers")) {
      res.writeHead(200, { "Content-Type": "application/proto", "Content-Length": String(MAX_UPSTREAM_BODY_BYTES + 1) });
      res.end(new Uint8Array(MAX_UPSTREAM_BODY_BYTES + 1));
      return;
    }
    // Anything else: a small, valid answer.
    const body = toBinary(GetUserResponseSchema, create(GetUserResponseSchema, { user: { id: 1, firstName: "Ada" } }));
    res.writeHead(200, { "Content-Type": "application/proto", "Content-Length": String(body.byteLength) });
    res.end(body);
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
    // The gateway stopped reading past the limit: the fixture never got to write all of it.
    expect(streamedChunks * chunk.byteLength).toBeLessThan(4 * MAX_UPSTREAM_BODY_BYTES);
  });

  it("declared too large by Content-Length: 502 without reading it", async () => {
    await expectTooLarge(await fetch(`${gateway.url}/api/users`));
  });

  it("the Worker keeps serving: the next request is answered", async () => {
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
    const res = await fetch(`${gateway.url}/api/items/1`);
    // A small answer of the wrong message type for GetItem still decodes: what matters is a 200.
    expect(res.status).toBe(200);
  });
});
