// What becomes of an upstream call whose REST client gave up, in real workerd: workerd
// notices a gone client only when it writes the answer (enable_request_signal or not), so
// the call is not cancelled then — the upstream deadline (UPSTREAM_TIMEOUT_MS) is what ends
// it, and the Worker stays free to serve. A fixture upstream on loopback takes GetUserById
// and never answers.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintJwt } from "./jwt-test-kit.ts";
import { startGateway, type RunningGateway } from "./start-gateway.ts";

const deadlineMs = 1_500;
let received = 0;
let closedBeforeAnswer = 0;
let upstream: http.Server;
let gateway: RunningGateway;

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    req.resume();
    if (!req.url?.endsWith("/GetUserById")) return void res.writeHead(200, { "Content-Type": "application/proto", "Content-Length": "0" }).end();
    received++;
    res.on("close", () => {
      if (!res.writableFinished) closedBeforeAnswer++;
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  gateway = await startGateway({ userServiceUrl: url, orderServiceUrl: url, vars: { UPSTREAM_TIMEOUT_MS: String(deadlineMs) } });
});
afterAll(async () => {
  await gateway?.stop();
  upstream?.closeAllConnections();
  upstream?.close();
});

describe("a client that goes away", () => {
  it("leaves its upstream call to the deadline, which ends it; the Worker keeps serving", async () => {
    const client = new AbortController();
    const authorization = `Bearer ${await mintJwt({ sub: "1", claims: { scope: "admin" } })}`;
    const call = fetch(`${gateway.url}/api/users/1`, { headers: { authorization }, signal: client.signal }).then(
      () => "answered",
      (err: unknown) => (err instanceof Error ? err.name : String(err)),
    );
    await expect.poll(() => received, { timeout: 10_000 }).toBe(1);
    client.abort();
    expect(await call).toBe("AbortError");
    // Dropped by the gateway at the deadline, never left hanging.
    await expect.poll(() => closedBeforeAnswer, { timeout: deadlineMs + 10_000 }).toBe(1);
    const next = await fetch(`${gateway.url}/api/users?page_size=1`, { headers: { authorization } });
    expect(next.status).toBe(200);
  });
});
