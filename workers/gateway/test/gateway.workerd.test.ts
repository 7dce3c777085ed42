import { connectNodeAdapter } from "@connectrpc/connect-node";
import { GetUserResponseSchema, UserService } from "@grpc-edge/proto/user/v1";
import http from "node:http";
import net from "node:net";
import zlib from "node:zlib";
import { create, toBinary } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearerFor } from "./jwt-test-kit.ts";
import { startGateway, type RunningGateway } from "./start-gateway.ts";
import { adaJson, createFixtureUserService, graceJson } from "./user-fixtures.ts";

// The shipped bundle in real workerd, calling a real Connect server over HTTP/1.1.

const service = createFixtureUserService();
const stalled: { closedAfterMs?: number }[] = [];
let upstream: http.Server;
let staller: http.Server;
let gzipper: http.Server;
let gateway: RunningGateway;
let closedGateway: RunningGateway;
let slowGateway: RunningGateway;
let gzipGateway: RunningGateway;

// One fake upstream stands in for both services: these tests call user routes only.
const bothAt = (url: string) => ({ userServiceUrl: url, orderServiceUrl: url });

beforeAll(async () => {
  upstream = await listen(
    http.createServer(connectNodeAdapter({ routes: (router) => router.service(UserService, service.impl) })),
  );
  // Accepts the request and never answers; records when the gateway gives up on it.
  staller = await listen(
    http.createServer((req, res) => {
      const entry: { closedAfterMs?: number } = {};
      const start = performance.now();
      stalled.push(entry);
      res.on("close", () => (entry.closedAfterMs = performance.now() - start));
    }),
  );
  // Compresses whatever the client asked for, as a proxy in front of a service might.
  gzipper = await listen(
    http.createServer((_req, res) => {
      const user = create(GetUserResponseSchema, { user: { id: 3, firstName: "Zip" } });
      res.writeHead(200, { "Content-Type": "application/proto", "Content-Encoding": "gzip" });
      res.end(zlib.gzipSync(toBinary(GetUserResponseSchema, user)));
    }),
  );
  [gateway, closedGateway, slowGateway, gzipGateway] = await Promise.all([
    // Every request reaches the service here (test/e2e/edge-cache-in-workerd.test.ts covers the cache).
    startGateway({ ...bothAt(origin(upstream)), vars: { EDGE_CACHE_TTL_SECONDS: "0" } }),
    startGateway(bothAt(`http://127.0.0.1:${await closedPort()}`)),
    startGateway({ ...bothAt(origin(staller)), vars: { UPSTREAM_TIMEOUT_MS: "300" } }),
    startGateway(bothAt(origin(gzipper))),
  ]);
});

afterAll(async () => {
  await Promise.all([gateway?.stop(), closedGateway?.stop(), slowGateway?.stop(), gzipGateway?.stop()]);
  for (const server of [upstream, staller, gzipper]) {
    server?.closeAllConnections();
    server?.close();
  }
});

describe("gateway in workerd", () => {
  it("binds to 127.0.0.1 on a port of its own", () => {
    expect(gateway.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(new Set([gateway.url, closedGateway.url, slowGateway.url, gzipGateway.url]).size).toBe(4);
  });

  it("GET /healthz", async () => {
    const res = await fetch(`${gateway.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("GET /api/users lists users as proto3 JSON", async () => {
    const res = await fetch(`${gateway.url}/api/users`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ users: [adaJson, graceJson], nextPageToken: "" });
  });

  it("GET /api/users/1 returns the user, forwarding request id and deadline", async () => {
    const res = await fetch(`${gateway.url}/api/users/1`, { headers: { "X-Request-Id": "e2e-1" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toBe("e2e-1");
    expect(await res.json()).toEqual({ user: adaJson });

    const call = service.calls.find((c) => c.requestId === "e2e-1");
    expect(call).toMatchObject({ method: "getUserById", id: 1 });
    // UPSTREAM_TIMEOUT_MS from wrangler.toml [vars].
    expect(call?.timeoutMs).toBeGreaterThan(0);
    expect(call?.timeoutMs).toBeLessThanOrEqual(3000);
  });

  it("rejects bad ids with 400 without calling the service", async () => {
    const before = service.calls.length;
    for (const id of ["abc", "0", "-1", "99999999999", "1.5", "%20"]) {
      const res = await fetch(`${gateway.url}/api/users/${id}`);
      expect(res.status, id).toBe(400);
      expect(await res.json()).toMatchObject({ code: "invalid_argument", status: 400 });
    }
    expect(service.calls.length).toBe(before);
  });

  it("unknown user is 404 problem JSON with the service's message", async () => {
    const res = await fetch(`${gateway.url}/api/users/999`);
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(await res.json()).toMatchObject({ code: "not_found", detail: "user 999 not found" });
  });

  it("unknown route is 404 problem JSON, wrong method 405 with Allow", async () => {
    const notFound = await fetch(`${gateway.url}/nope`);
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get("content-type")).toBe("application/problem+json");

    // Signed in: without a token, a PUT is refused before routing (401, edge-security.workerd.test.ts).
    const wrongMethod = await fetch(`${gateway.url}/api/users`, { method: "PUT", body: "{}", headers: await bearerFor("1") });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("GET, HEAD, POST");
    expect(await wrongMethod.json()).toMatchObject({ status: 405 });
  });

  it("writes one JSON access-log line per request, with trace id and upstream time", async () => {
    const traceId = "0af7651916cd43dd8448eb211c80319c";
    await fetch(`${gateway.url}/api/users/2`, {
      headers: { "X-Request-Id": "log-me", traceparent: `00-${traceId}-b7ad6b7169203331-01` },
    });
    const lines = gateway.logs.filter((l) => l.message.includes('"log-me"'));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!.message)).toMatchObject({
      method: "GET",
      path: "/api/users/2",
      status: 200,
      requestId: "log-me",
      traceId,
      rpc: "user.v1.UserService/GetUserById",
      upstreamMs: expect.any(Number),
    });
  });

  it("continues the caller's trace upstream: same trace id, the gateway's span as parent", async () => {
    const traceId = "0af7651916cd43dd8448eb211c80319c";
    await fetch(`${gateway.url}/api/users/1`, {
      headers: { "X-Request-Id": "trace-me", traceparent: `00-${traceId}-b7ad6b7169203331-01`, tracestate: "congo=t61rcWkgMzE" },
    });
    const call = service.calls.find((c) => c.requestId === "trace-me");
    expect(call?.traceparent).toMatch(new RegExp(`^00-${traceId}-(?!b7ad6b7169203331)[0-9a-f]{16}-01$`));
    expect(call?.tracestate).toBe("congo=t61rcWkgMzE");
    // No valid traceparent: a new trace, still sent upstream.
    await fetch(`${gateway.url}/api/users/1`, { headers: { "X-Request-Id": "new-trace", traceparent: "bogus" } });
    expect(service.calls.find((c) => c.requestId === "new-trace")?.traceparent).toMatch(/^00-(?!0{32})[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it("Server-Timing: upstream and total where the service was called, total alone otherwise", async () => {
    const called = await fetch(`${gateway.url}/api/users/1`);
    expect(called.headers.get("server-timing")).toMatch(/^upstream;dur=\d+, total;dur=\d+$/);
    const local = await fetch(`${gateway.url}/healthz`);
    expect(local.headers.get("server-timing")).toMatch(/^total;dur=\d+$/);
  });

  it("a gzip-encoded reply (decoded by workerd's fetch) still works", async () => {
    const res = await fetch(`${gzipGateway.url}/api/users/3`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ user: { id: 3, firstName: "Zip", lastName: "", email: "", orders: [], orderCount: 0 } });
  });

  it("an unreachable user service is a fast 503 with Retry-After", async () => {
    const start = performance.now();
    const res = await fetch(`${closedGateway.url}/api/users/1`);
    expect(performance.now() - start).toBeLessThan(2000);
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).not.toBeNull();
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ code: "unavailable" });
    expect(text).not.toContain("127.0.0.1");
  });

  it("a stalled user service is a 504 at UPSTREAM_TIMEOUT_MS, and the subrequest is cancelled", async () => {
    const start = performance.now();
    const res = await fetch(`${slowGateway.url}/api/users/1`);
    const elapsed = performance.now() - start;
    expect(res.status).toBe(504);
    expect(await res.json()).toMatchObject({ code: "deadline_exceeded" });
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(2000);
    // The wait shows as upstream time: workerd's clock moves across the subrequest.
    const [, upstream] = /upstream;dur=(\d+)/.exec(res.headers.get("server-timing") ?? "") ?? [];
    expect(Number(upstream)).toBeGreaterThanOrEqual(250);
    await expect.poll(() => stalled.at(-1)?.closedAfterMs, { timeout: 2000 }).toBeDefined();
  });
});

async function listen(server: http.Server): Promise<http.Server> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

function origin(server: http.Server): string {
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

/** A port nothing listens on: bound once by us, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
