import { create, toJson, type DescService, type Message } from "@bufbuild/protobuf";
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
import type { AccessLogEntry } from "./middleware/access-log.ts";
import { publishedServices } from "./routing/published-services.ts";

function setup(options: { timeoutMs?: number; before?: (ctx: HandlerContext) => Promise<void> | void } = {}) {
  const service = createFixtureUserService(options.before);
  const logs: AccessLogEntry[] = [];
  const app = createApp({
    // The deadline is the transport's default, as UPSTREAM_TIMEOUT_MS is in the Worker.
    transport: createRouterTransport((router) => router.service(UserService, service.impl), { transport: { defaultTimeoutMs: options.timeoutMs ?? 3000 } }),
    services: publishedServices,
    log: (entry) => logs.push(entry),
  });
  return { app, calls: service.calls, logs };
}

async function expectProblem(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  const body = (await res.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ status, code, requestId: res.headers.get("x-request-id") });
  const keys = ["code", "detail", "requestId", "status", "title", "type"];
  // violations[] only where the request broke named fields.
  expect(Object.keys(body).sort()).toEqual("violations" in body ? [...keys, "violations"] : keys);
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
    expect(await res.json()).toEqual({ users: [adaJson, graceJson], nextPageToken: "" });
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
    // A one-segment variable is percent-decoded before it is parsed.
    ["%34%32", 42],
  ])("accepts %s", async (segment, id) => {
    const { app, calls } = setup();
    const res = await app.request(`/api/users/${segment}`);
    expect(res.status).not.toBe(400);
    expect(calls).toMatchObject([{ method: "getUserById", id }]);
  });

  const notInt32 = "must be a 32-bit integer (-2147483648 to 2147483647)";
  // The contract's rule (buf.validate int32.gt = 0), checked at the edge; its wording is the validator's.
  const notPositive = expect.stringContaining("greater than 0") as string;
  it.each([
    ["abc", notInt32],
    ["99999999999", notInt32],
    ["2147483648", notInt32],
    ["1.5", notInt32],
    ["%20", notInt32],
    ["1e3", notInt32],
    ["+1", notInt32],
    ["01", notInt32],
    ["0x10", notInt32],
    ["1%20", notInt32],
    ["1%2F2", notInt32],
    ["0", notPositive],
    ["-1", notPositive],
  ])("rejects %s with 400 naming the field, and no upstream call", async (segment, message) => {
    const { app, calls } = setup();
    const res = await app.request(`/api/users/${segment}`);
    const body = await expectProblem(res, 400, "invalid_argument");
    expect(body.violations).toEqual([{ field: "id", message }]);
    expect(body.detail).toEqual(expect.stringMatching(/^id: /));
    expect(calls).toEqual([]);
  });
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
    // 409: the request conflicts with the resource's state (a user who has orders).
    [Code.FailedPrecondition, 409, "failed_precondition", true],
    [Code.OutOfRange, 400, "out_of_range", true],
    [Code.Unauthenticated, 401, "unauthenticated", false],
    [Code.PermissionDenied, 403, "permission_denied", false],
    [Code.NotFound, 404, "not_found", true],
    [Code.AlreadyExists, 409, "already_exists", true],
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
    const app = createApp({ transport: broken, services: publishedServices, log: (entry) => logs.push(entry) });
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
    for (const path of ["/", "/nope", "/api/users/1/order", "/api/users/", "/api//users", "/api/users/1/orders/"]) {
      const body = await expectProblem(await app.request(path), 404, "not_found");
      expect(body.detail).toBe(`no route for GET ${path}`);
    }
  });

  it.each([
    ["PUT", "/api/users", "GET, HEAD, POST"],
    ["DELETE", "/api/users", "GET, HEAD, POST"],
    ["OPTIONS", "/api/users", "GET, HEAD, POST"],
    ["PUT", "/api/users/abc", "GET, HEAD, PATCH, DELETE"],
    ["GET", "/api/orders/1:cancel", "POST"],
    ["DELETE", "/api/orders/1", "GET, HEAD"],
    ["POST", "/healthz", "GET, HEAD"],
    ["POST", "/openapi.json", "GET, HEAD"],
  ])("%s %s is 405 with Allow: %s", async (method, path, allow) => {
    const { app, calls } = setup();
    const res = await app.request(path, { method });
    const body = await expectProblem(res, 405, "unimplemented");
    expect(res.headers.get("allow")).toBe(allow);
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
    await app.request("/api/users?page_size=1", { headers: { "X-Request-Id": "r1" } });
    await app.request("/api/users/abc", { headers: { "X-Request-Id": "r2" } });
    await app.request("/nope", { method: "POST", headers: { "X-Request-Id": "r3" } });
    expect(logs).toEqual([
      // The path only: query strings stay out of the log.
      {
        method: "GET",
        path: "/api/users",
        status: 200,
        durationMs: expect.any(Number),
        requestId: "r1",
        traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
        rpc: "user.v1.UserService/GetAllUsers",
        upstreamMs: expect.any(Number),
        rpcCode: "ok",
        // No edge options here: no authentication ran (middleware/access-log.test.ts has the audit fields).
        authz: "none",
      },
      { method: "GET", path: "/api/users/abc", status: 400, durationMs: expect.any(Number), requestId: "r2", traceId: expect.any(String), authz: "none" },
      { method: "POST", path: "/nope", status: 404, durationMs: expect.any(Number), requestId: "r3", traceId: expect.any(String), authz: "none" },
    ]);
  });
});

describe("the contract's bindings, each reaching its RPC", () => {
  // A fake that answers every RPC of both services with an empty response and records
  // what it received: the user service is the front door for orders.v1 as well.
  function setupRecording() {
    const received: { rpc: string; request: unknown }[] = [];
    const recordAll = (service: DescService) =>
      Object.fromEntries(
        service.methods.map((method) => [
          method.localName,
          (req: Message) => {
            received.push({ rpc: `${service.name}.${method.name}`, request: toJson(method.input, req) });
            return create(method.output);
          },
        ]),
      );
    const app = createApp({
      transport: createRouterTransport((router) => {
        router.service(UserService, recordAll(UserService) as never);
        router.service(OrderService, recordAll(OrderService) as never);
      }),
      services: publishedServices,
      log: () => {},
    });
    return { app, received };
  }

  // Creates answer 201 with the new resource's Location, deletes 204 with no body (http_response option).
  const created = (location: string) => ({ status: 201, location });
  it.each<[string, string, unknown, string, object, unknown, { status: number; location?: string }?]>([
    ["GET", "/api/users?page_size=2&pageToken=abc", undefined, "UserService.GetAllUsers", { pageSize: 2, pageToken: "abc" }, { users: [], nextPageToken: "" }],
    ["POST", "/api/users", { first_name: "Ada", lastName: "Lovelace", email: "ada@example.com" }, "UserService.CreateUser", { firstName: "Ada", lastName: "Lovelace", email: "ada@example.com" }, { id: 0, firstName: "", lastName: "", email: "", orders: [], orderCount: 0 }, created("/api/users/0")],
    // The edge fills update_mask from the body's keys.
    ["PATCH", "/api/users/7", { email: "new@example.com" }, "UserService.UpdateUser", { id: 7, email: "new@example.com", updateMask: "email" }, expect.any(Object)],
    ["DELETE", "/api/users/7", undefined, "UserService.DeleteUser", { id: 7 }, null, { status: 204 }],
    ["GET", "/api/items?pageSize=10", undefined, "OrderService.ListItems", { pageSize: 10 }, { items: [], nextPageToken: "" }],
    ["GET", "/api/items/3", undefined, "OrderService.GetItem", { id: 3 }, { id: 0, name: "" }],
    ["POST", "/api/users/7/orders", { itemId: 3, amount: 2 }, "OrderService.CreateOrder", { userId: 7, itemId: 3, amount: 2 }, expect.any(Object), created("/api/orders/0")],
    ["GET", "/api/users/7/orders?page_size=5", undefined, "OrderService.ListOrders", { userId: 7, pageSize: 5 }, { orders: [], nextPageToken: "" }],
    ["GET", "/api/orders/9", undefined, "OrderService.GetOrder", { id: 9 }, expect.any(Object)],
    ["POST", "/api/orders/9:cancel", undefined, "OrderService.CancelOrder", { id: 9 }, expect.any(Object)],
  ])("%s %s → %s", async (method, path, body, rpc, request, response, success = { status: 200 }) => {
    const { app, received } = setupRecording();
    const res = await app.request(path, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "Content-Type": "application/json" } }),
    });
    expect(res.status).toBe(success.status);
    expect(res.headers.get("Location")).toBe(success.location ?? null);
    if (success.status === 204) expect(await res.text()).toBe("");
    else expect(await res.json()).toEqual(response);
    expect(received).toEqual([{ rpc, request }]);
  });

  it("RPCs without an annotation are not published", async () => {
    const { app, received } = setupRecording();
    for (const path of ["/orders.v1.OrderService/GetOrdersByUserId", "/orders.v1.OrderService/GetOrdersByUserIds"]) {
      await expectProblem(await app.request(path, { method: "POST", body: "{}", headers: { "Content-Type": "application/json" } }), 404, "not_found");
    }
    expect(received).toEqual([]);
  });
});
