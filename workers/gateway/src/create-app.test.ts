import {
  Code,
  ConnectError,
  createRouterTransport,
  type HandlerContext,
  type Transport,
} from "@connectrpc/connect";
import { OrderService } from "@grpc-edge/proto/orders/v1";
import { UserService } from "@grpc-edge/proto/user/v1";
import { describe, expect, it } from "vitest";
import {
  adaJson,
  createFixtureUserService,
  graceJson,
  stallUntilAborted,
} from "../test/user-fixtures.ts";
import { createApp } from "./create-app.ts";
import type { AccessLogEntry } from "./http/access-log.ts";

function setup(options: { timeoutMs?: number; before?: (ctx: HandlerContext) => Promise<void> | void } = {}) {
  const service = createFixtureUserService(options.before);
  const logs: AccessLogEntry[] = [];
  const app = createApp({
    transport: createRouterTransport((router) => router.service(UserService, service.impl)),
    services: [UserService, OrderService],
    timeoutMs: options.timeoutMs ?? 3000,
    log: (entry) => logs.push(entry),
  });
  return { app, calls: service.calls, logs };
}

async function expectProblem(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  const body = (await res.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ status, code, requestId: res.headers.get("x-request-id") });
  expect(Object.keys(body).sort()).toEqual(["code", "detail", "requestId", "status", "title", "type"]);
  return body;
}

describe("routes", () => {
  it("GET /healthz answers without calling the user service", async () => {
    const { app, calls } = setup();
    const res = await app.request("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
    expect(calls).toEqual([]);
  });

  it("GET /api/users is the proto3 JSON of GetAllUsersResponse", async () => {
    const { app, calls } = setup();
    const res = await app.request("/api/users");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ users: [adaJson, graceJson] });
    expect(calls.map((c) => c.method)).toEqual(["getAllUsers"]);
  });

  it("GET /api/users/:id is the proto3 JSON of GetUserResponse", async () => {
    const { app } = setup();
    const res = await app.request("/api/users/1");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { user: typeof adaJson };
    expect(body).toEqual({ user: adaJson });
    // Spelled out: what REST clients rely on.
    expect(body.user.orders[0]?.orderDate).toBe("2023-05-01T00:00:00Z");
    expect(body.user.orders[0]?.userId).toBe(1);
  });

  it("HEAD is served like GET, without a body", async () => {
    const { app } = setup();
    const res = await app.request("/healthz", { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
  });
});

describe("user id validation at the edge", () => {
  it.each([
    ["1", 1],
    ["42", 42],
    ["2147483647", 2147483647],
  ])("accepts %s", async (segment, id) => {
    const { app, calls } = setup();
    const res = await app.request(`/api/users/${segment}`);
    expect(res.status).not.toBe(400);
    expect(calls).toMatchObject([{ method: "getUserById", id }]);
  });

  it.each(["abc", "0", "-1", "99999999999", "2147483648", "1.5", "%20", "1e3", "+1", "01", "0x10", "1%20"])(
    "rejects %s with 400 and no upstream call",
    async (segment) => {
      const { app, calls } = setup();
      const res = await app.request(`/api/users/${segment}`);
      const body = await expectProblem(res, 400, "invalid_argument");
      expect(body.detail).toBe("user id must be an integer from 1 to 2147483647");
      expect(calls).toEqual([]);
    },
  );
});

describe("errors", () => {
  it("unknown user is 404 with the service's message as detail", async () => {
    const { app } = setup();
    const body = await expectProblem(await app.request("/api/users/999"), 404, "not_found");
    expect(body).toMatchObject({
      type: "https://grpc-edge.dev/problems/not-found",
      title: "Not found",
      detail: "user 999 not found",
    });
  });

  // The whole Connect code → HTTP table, as a caller sees it.
  const secret = "pg: connection to db.internal:5432 failed at Pool.connect (/srv/pool.js:12)";
  it.each([
    [Code.InvalidArgument, 400, "invalid_argument", true],
    [Code.FailedPrecondition, 400, "failed_precondition", false],
    [Code.OutOfRange, 400, "out_of_range", false],
    [Code.Unauthenticated, 401, "unauthenticated", false],
    [Code.PermissionDenied, 403, "permission_denied", false],
    [Code.NotFound, 404, "not_found", true],
    [Code.AlreadyExists, 409, "already_exists", false],
    [Code.Aborted, 409, "aborted", false],
    [Code.ResourceExhausted, 429, "resource_exhausted", false],
    [Code.Unimplemented, 501, "unimplemented", false],
    [Code.Unavailable, 503, "unavailable", false],
    [Code.DeadlineExceeded, 504, "deadline_exceeded", false],
    [Code.Canceled, 500, "canceled", false],
    [Code.Unknown, 500, "unknown", false],
    [Code.Internal, 500, "internal", false],
    [Code.DataLoss, 500, "data_loss", false],
  ])("upstream %s → %i %s (message exposed: %s)", async (code, status, codeString, exposed) => {
    const { app } = setup({
      before: () => {
        throw new ConnectError(secret, code);
      },
    });
    const res = await app.request("/api/users/1");
    const body = await expectProblem(res, status, codeString);
    expect(body.type).toBe(`https://grpc-edge.dev/problems/${codeString.replaceAll("_", "-")}`);
    if (exposed) expect(body.detail).toBe(secret);
    else expect(JSON.stringify(body)).not.toContain("db.internal");
  });

  it("503 tells the caller when to retry", async () => {
    const { app } = setup({
      before: () => {
        throw new ConnectError("order service down", Code.Unavailable);
      },
    });
    const res = await app.request("/api/users");
    await expectProblem(res, 503, "unavailable");
    expect(res.headers.get("retry-after")).toBe("1");
  });

  it("a failure inside the gateway is a 500 that leaks nothing but is logged", async () => {
    const logs: AccessLogEntry[] = [];
    const broken: Transport = {
      unary: () => Promise.reject(new Error(secret)),
      stream: () => Promise.reject(new Error(secret)),
    };
    const app = createApp({ transport: broken, services: [UserService, OrderService], timeoutMs: 3000, log: (entry) => logs.push(entry) });
    const res = await app.request("/api/users");
    const body = await expectProblem(res, 500, "internal");
    expect(JSON.stringify(body)).not.toContain("db.internal");
    // Operators still get the cause, in the log line.
    expect(logs[0]?.error).toContain("db.internal");
  });

  it("an upstream that stalls past the deadline is a 504, on time", async () => {
    const { app } = setup({ timeoutMs: 50, before: stallUntilAborted });
    const start = performance.now();
    const res = await app.request("/api/users/1");
    await expectProblem(res, 504, "deadline_exceeded");
    expect(performance.now() - start).toBeLessThan(1000);
  });

  it("unknown routes are 404 problem JSON", async () => {
    const { app } = setup();
    for (const path of ["/", "/nope", "/api/users/1/orders", "/api/users/"]) {
      const body = await expectProblem(await app.request(path), 404, "not_found");
      expect(body.detail).toBe(`no route for GET ${path}`);
    }
  });

  it.each([
    ["POST", "/api/users"],
    ["DELETE", "/api/users/1"],
    ["PUT", "/api/users/abc"],
    ["POST", "/healthz"],
    ["OPTIONS", "/api/users"],
  ])("%s %s is 405 with Allow", async (method, path) => {
    const { app, calls } = setup();
    const res = await app.request(path, { method });
    const body = await expectProblem(res, 405, "unimplemented");
    expect(res.headers.get("allow")).toBe("GET, HEAD");
    expect(body.type).toBe("https://grpc-edge.dev/problems/method-not-allowed");
    expect(calls).toEqual([]);
  });
});

describe("deadline and request id", () => {
  it("every upstream call carries the configured deadline", async () => {
    const { app, calls } = setup({ timeoutMs: 1234 });
    await app.request("/api/users");
    await app.request("/api/users/2");
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(call.timeoutMs).toBeGreaterThan(0);
      expect(call.timeoutMs).toBeLessThanOrEqual(1234);
    }
  });

  it("a sane incoming X-Request-Id is echoed and forwarded upstream", async () => {
    const { app, calls, logs } = setup();
    const res = await app.request("/api/users/1", { headers: { "X-Request-Id": "req-1.a_B" } });
    expect(res.headers.get("x-request-id")).toBe("req-1.a_B");
    expect(calls[0]?.requestId).toBe("req-1.a_B");
    expect(logs[0]?.requestId).toBe("req-1.a_B");
  });

  it.each([
    ["missing", undefined],
    ["too long", "a".repeat(129)],
    ["with a space", "a b"],
    ["with a slash", "a/b"],
    ["with a quote", 'a"b'],
    ["empty", ""],
  ])("an incoming id %s is replaced by a generated UUID", async (_, incoming) => {
    const { app, calls } = setup();
    const headers: Record<string, string> = incoming === undefined ? {} : { "X-Request-Id": incoming };
    const res = await app.request("/api/users/2", { headers });
    const id = res.headers.get("x-request-id");
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(calls[0]?.requestId).toBe(id);
  });

  it("accepts an incoming id of exactly 128 characters", async () => {
    const { app } = setup();
    const id = "x".repeat(128);
    const res = await app.request("/healthz", { headers: { "X-Request-Id": id } });
    expect(res.headers.get("x-request-id")).toBe(id);
  });

  it("problem bodies carry the request id", async () => {
    const { app } = setup();
    const res = await app.request("/api/users/abc", { headers: { "X-Request-Id": "trace-7" } });
    const body = await expectProblem(res, 400, "invalid_argument");
    expect(body.requestId).toBe("trace-7");
  });
});

describe("access log", () => {
  it("writes one entry per request, errors included", async () => {
    const { app, logs } = setup();
    await app.request("/api/users/1?secret=1", { headers: { "X-Request-Id": "r1" } });
    await app.request("/api/users/abc", { headers: { "X-Request-Id": "r2" } });
    await app.request("/nope", { method: "POST", headers: { "X-Request-Id": "r3" } });
    expect(logs).toEqual([
      { method: "GET", path: "/api/users/1", status: 200, durationMs: expect.any(Number), requestId: "r1" },
      { method: "GET", path: "/api/users/abc", status: 400, durationMs: expect.any(Number), requestId: "r2" },
      { method: "POST", path: "/nope", status: 404, durationMs: expect.any(Number), requestId: "r3" },
    ]);
  });
});
