import { create, fromBinary, toBinary, toJson } from "@bufbuild/protobuf";
import { ViolationsSchema } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import {
  Code,
  ConnectError,
  createClient,
  createContextKey,
  createContextValues,
  type Interceptor,
} from "@connectrpc/connect";
import { errorToJsonBytes } from "@connectrpc/connect/protocol-connect";
import { ErrorInfoSchema } from "@grpc-edge/proto/google/rpc/error_details";
import { GetUserRequestSchema, GetUserResponseSchema, UserService } from "@grpc-edge/proto/user/v1";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFetchTransport } from "./create-fetch-transport.ts";
import { RetryBudget } from "./retry-budget.ts";
import { closedPortUrl, startServer, type Handler, type TestServer } from "../../test/http-test-kit.ts";
import { retryInterceptor } from "./retry-interceptor.ts";
import { upstreamJsonOf } from "./upstream-json.ts";

// `signal` is the one fetch() was given: Node's Request follows it only through a WeakRef
// that garbage collection may clear, so `req.signal` alone can miss the abort.
function clientWith(fetch: (req: Request, signal?: AbortSignal) => Promise<Response>, defaultTimeoutMs?: number) {
  const requests: Request[] = [];
  const transport = createFetchTransport({
    baseUrl: "http://users.test:50051",
    defaultTimeoutMs,
    fetch: async (input, init) => {
      const req = new Request(input, init);
      requests.push(req.clone());
      return fetch(req, init?.signal ?? undefined);
    },
  });
  return { users: createClient(UserService, transport), requests };
}

const okResponse = () =>
  new Response(toBinary(GetUserResponseSchema, create(GetUserResponseSchema, { user: { id: 7, firstName: "Ann" } })), {
    headers: { "Content-Type": "application/proto" },
  });

async function errorOf(promise: Promise<unknown>): Promise<ConnectError> {
  try {
    await promise;
  } catch (err) {
    return ConnectError.from(err);
  }
  throw new Error("expected the call to fail");
}

describe("createFetchTransport", () => {
  it("speaks Connect unary with binary protobuf, a sized body and no redirects", async () => {
    const { users, requests } = clientWith(async () => okResponse());
    const res = await users.getUserById({ id: 7 });
    expect(res.user?.firstName).toBe("Ann");
    const [req] = requests;
    expect(req?.method).toBe("POST");
    expect(req?.url).toBe("http://users.test:50051/user.v1.UserService/GetUserById");
    expect(req?.headers.get("content-type")).toBe("application/proto");
    expect(req?.headers.get("connect-protocol-version")).toBe("1");
    expect(req?.redirect).toBe("manual");
    expect(new Uint8Array(await req!.arrayBuffer())).toEqual(toBinary(GetUserRequestSchema, create(GetUserRequestSchema, { id: 7 })));
  });

  it("asks for identity encoding, and tolerates a reply fetch() already decoded", async () => {
    // fetch() undoes gzip itself but keeps the header; connect must not see it.
    const { users, requests } = clientWith(async () => {
      const res = okResponse();
      return new Response(res.body, { headers: { "Content-Type": "application/proto", "Content-Encoding": "gzip" } });
    });
    const res = await users.getUserById({ id: 7 });
    expect(res.user?.firstName).toBe("Ann");
    expect(requests[0]?.headers.get("accept-encoding")).toBe("identity");
  });

  it("sends the deadline as connect-timeout-ms", async () => {
    const { users, requests } = clientWith(async () => okResponse(), 900);
    await users.getUserById({ id: 7 });
    await users.getUserById({ id: 7 }, { timeoutMs: 200 });
    expect(requests.map((r) => r.headers.get("connect-timeout-ms"))).toEqual(["900", "200"]);
  });

  it("turns a fetch that throws (connection refused) into UNAVAILABLE", async () => {
    const { users } = clientWith(async () => {
      throw new TypeError("fetch failed");
    });
    const err = await errorOf(users.getUserById({ id: 7 }));
    expect(err.code).toBe(Code.Unavailable);
  });

  it("aborts the subrequest at the deadline: DEADLINE_EXCEEDED", async () => {
    let aborted = false;
    const { users } = clientWith(
      (_req, signal) =>
        new Promise((_, reject) => {
          signal?.addEventListener("abort", () => {
            aborted = true;
            reject(signal.reason);
          });
        }),
    );
    const err = await errorOf(users.getUserById({ id: 7 }, { timeoutMs: 30 }));
    expect(err.code).toBe(Code.DeadlineExceeded);
    expect(aborted).toBe(true);
  });

  it("reads Connect error bodies", async () => {
    const { users } = clientWith(
      async () =>
        new Response(JSON.stringify({ code: "not_found", message: "user 7 not found" }), {
          status: 404,
          headers: { "Content-Type": "application/json" },
        }),
    );
    const err = await errorOf(users.getUserById({ id: 7 }));
    expect(err.code).toBe(Code.NotFound);
    expect(err.rawMessage).toBe("user 7 not found");
  });
});

// The same transport against a real HTTP server (Node's fetch, a real socket): the
// error paths a stubbed fetch cannot show, and the interceptors as index.ts wires them.
describe("createFetchTransport over HTTP", () => {
  // One server for the block: each call names the handler it wants in x-case.
  const routes = new Map<string, Handler>();
  let server: TestServer;
  let baseUrl = "";
  let seen: TestServer["seen"] = [];
  beforeAll(async () => {
    server = await startServer((req, res) => {
      const handler = routes.get(req.headers["x-case"] as string);
      if (handler === undefined) return void res.writeHead(500).end("no such case");
      handler(req, res);
    });
    baseUrl = server.url;
    seen = server.seen;
  });
  afterAll(() => server.stop());

  const getUser = UserService.method.getUserById;
  const okBytes = toBinary(GetUserResponseSchema, create(GetUserResponseSchema, { user: { id: 7, firstName: "Ann" } }));
  const reply =
    (status: number, headers: Record<string, string>, body: string | Uint8Array = ""): Handler =>
    (_req, res) =>
      void res.writeHead(status, headers).end(body);
  const connectError = (err: ConnectError) => errorToJsonBytes(err, {});

  let caseId = 0;
  /** Registers `handler` under a fresh case id; returns the header that routes to it. */
  function route(handler: Handler): Record<string, string> {
    const id = `case-${++caseId}`;
    routes.set(id, handler);
    return { "x-case": id };
  }

  function unary(
    handler: Handler,
    opts: { timeoutMs?: number; signal?: AbortSignal; interceptors?: Interceptor[]; defaultTimeoutMs?: number; url?: string } = {},
  ) {
    const transport = createFetchTransport({
      baseUrl: opts.url ?? baseUrl,
      defaultTimeoutMs: opts.defaultTimeoutMs,
      interceptors: opts.interceptors,
    });
    return transport.unary(getUser, opts.signal, opts.timeoutMs, route(handler), { id: 7 });
  }

  it("returns the message, the headers and the trailer- headers as trailers", async () => {
    const res = await unary(
      reply(200, { "Content-Type": "application/proto", "x-served-by": "users-1", "Trailer-Grpc-Edge-Cost": "3", "trailer-x-b": "b" }, okBytes),
    );
    expect(res.stream).toBe(false);
    expect(res.service).toBe(UserService);
    expect(res.method).toBe(getUser);
    expect(res.message.user?.firstName).toBe("Ann");
    expect(res.header.get("x-served-by")).toBe("users-1");
    expect(res.header.has("trailer-grpc-edge-cost")).toBe(false);
    expect([...res.trailer]).toEqual([
      ["grpc-edge-cost", "3"],
      ["x-b", "b"],
    ]);
  });

  it("keeps the REST JSON written from the answer's bytes, the message decoded only when read", async () => {
    const res = await unary(reply(200, { "Content-Type": "application/proto" }, okBytes));
    expect(upstreamJsonOf(res)).toBe(JSON.stringify(toJson(GetUserResponseSchema, fromBinary(GetUserResponseSchema, okBytes), { alwaysEmitImplicit: true })));
    expect(res.message.user?.id).toBe(7);
  });

  it("decodes at once an answer the one-pass writer leaves alone (a message sent twice is merged)", async () => {
    const part = (user: object) => toBinary(GetUserResponseSchema, create(GetUserResponseSchema, { user }));
    const twice = new Uint8Array([...part({ id: 7 }), ...part({ firstName: "Ann" })]);
    const res = await unary(reply(200, { "Content-Type": "application/proto" }, twice));
    expect(upstreamJsonOf(res)).toBeUndefined();
    expect(res.message.user).toMatchObject({ id: 7, firstName: "Ann" });
  });

  it("sends the Connect unary request on the wire", async () => {
    await unary(reply(200, { "Content-Type": "application/proto" }, okBytes), { timeoutMs: 1234 });
    const req = seen.at(-1)!;
    expect(req.url).toBe("/user.v1.UserService/GetUserById");
    expect(req.headers["content-type"]).toBe("application/proto");
    expect(req.headers["connect-protocol-version"]).toBe("1");
    expect(req.headers["connect-timeout-ms"]).toBe("1234");
    expect(req.headers["accept-encoding"]).toBe("identity");
    expect(req.headers["content-length"]).toBe(String(req.body.byteLength));
    expect(req.headers["transfer-encoding"]).toBeUndefined();
    expect(new Uint8Array(req.body)).toEqual(toBinary(GetUserRequestSchema, create(GetUserRequestSchema, { id: 7 })));
  });

  it("sends no connect-timeout-ms for a call without a deadline (timeoutMs ≤ 0)", async () => {
    await unary(reply(200, { "Content-Type": "application/proto" }, okBytes), { timeoutMs: 0, defaultTimeoutMs: 500 });
    expect(seen.at(-1)!.headers["connect-timeout-ms"]).toBeUndefined();
  });

  it("accepts a base URL with a trailing slash", async () => {
    await unary(reply(200, { "Content-Type": "application/proto" }, okBytes), { url: `${baseUrl}/` });
    expect(seen.at(-1)!.url).toBe("/user.v1.UserService/GetUserById");
  });

  const json = { "Content-Type": "application/json" };
  it.each([
    {
      name: "Connect error JSON",
      handler: reply(409, json, connectError(new ConnectError("user exists", Code.AlreadyExists))),
      code: Code.AlreadyExists,
      message: "user exists",
    },
    {
      name: "Connect error JSON without a message",
      handler: reply(400, json, JSON.stringify({ code: "failed_precondition" })),
      code: Code.FailedPrecondition,
      message: "",
    },
    {
      name: "Connect error JSON with an unknown code string: the HTTP status decides",
      handler: reply(503, json, JSON.stringify({ code: "no_such_code", message: "m" })),
      code: Code.Unavailable,
      message: "m",
    },
    { name: "a JSON body that is not JSON", handler: reply(400, json, "{oops"), code: Code.Internal, message: "HTTP 400" },
    { name: "a JSON array", handler: reply(403, json, "[1]"), code: Code.PermissionDenied, message: "HTTP 403" },
    {
      name: "malformed details",
      handler: reply(500, json, JSON.stringify({ code: "internal", details: [{ type: 1 }] })),
      code: Code.Unknown,
      message: "HTTP 500",
    },
    { name: "a proxy's HTML 502", handler: reply(502, { "Content-Type": "text/html" }, "<h1>Bad Gateway</h1>"), code: Code.Unavailable, message: "HTTP 502" },
    { name: "an empty 503", handler: reply(503, {}), code: Code.Unavailable, message: "HTTP 503" },
    { name: "an empty 504", handler: reply(504, {}), code: Code.Unavailable, message: "HTTP 504" },
    { name: "a 429", handler: reply(429, { "Content-Type": "text/plain" }, "slow down"), code: Code.Unavailable, message: "HTTP 429" },
    { name: "a 401", handler: reply(401, {}), code: Code.Unauthenticated, message: "HTTP 401" },
    { name: "a 404 from something that is not the service", handler: reply(404, { "Content-Type": "text/plain" }, "not found"), code: Code.Unimplemented, message: "HTTP 404" },
    { name: "a 500 without a body", handler: reply(500, {}), code: Code.Unknown, message: "HTTP 500" },
    { name: "a binary error body", handler: reply(500, { "Content-Type": "application/proto" }, okBytes), code: Code.Unknown, message: "HTTP 500" },
    { name: "a redirect, not followed", handler: reply(302, { Location: "http://elsewhere.test/" }), code: Code.Unknown, message: "HTTP 302" },
    { name: "200 with an HTML body", handler: reply(200, { "Content-Type": "text/html" }, "<p>hi</p>"), code: Code.Unknown, message: "unsupported content type text/html" },
    { name: "200 in JSON", handler: reply(200, json, "{}"), code: Code.Internal, message: "unsupported content type application/json" },
    {
      name: "200 with a streaming content type",
      handler: reply(200, { "Content-Type": "application/connect+proto" }, okBytes),
      code: Code.Internal,
      message: "unsupported content type application/connect+proto",
    },
    {
      name: "200 with an encoding fetch() does not undo",
      handler: reply(200, { "Content-Type": "application/proto", "Content-Encoding": "snappy" }, okBytes),
      code: Code.Internal,
      message: 'unsupported response encoding "snappy"',
    },
    {
      name: "200 with a body that is not the message",
      handler: reply(200, { "Content-Type": "application/proto" }, new Uint8Array([0xff, 0xff, 0xff])),
      code: Code.Internal,
      message: expect.stringMatching(/^parse binary: /),
    },
  ])("error: $name", async ({ handler, code, message }) => {
    const err = await errorOf(unary(handler));
    expect(err.code).toBe(code);
    expect(err.rawMessage).toEqual(message);
  });

  it("keeps the headers and trailer- headers of a Connect error as its metadata", async () => {
    const err = await errorOf(
      unary(reply(404, { ...json, "x-served-by": "users-1", "trailer-x-reason": "gone" }, connectError(new ConnectError("no user", Code.NotFound)))),
    );
    expect(err.code).toBe(Code.NotFound);
    expect(err.metadata.get("x-served-by")).toContain("users-1");
    expect(err.metadata.get("x-reason")).toBe("gone");
  });

  it("round-trips buf.validate.Violations and google.rpc.ErrorInfo details", async () => {
    const violations = create(ViolationsSchema, {
      violations: [{ message: "value must be greater than 0", ruleId: "uint32.gt", field: { elements: [{ fieldName: "id", fieldNumber: 1 }] } }],
    });
    const info = create(ErrorInfoSchema, { reason: "IDEMPOTENCY_KEY_REUSED", domain: "grpc-edge", metadata: { key: "k1" } });
    const sent = new ConnectError("invalid request", Code.InvalidArgument, undefined, [
      { desc: ViolationsSchema, value: violations },
      { desc: ErrorInfoSchema, value: info },
    ]);
    const err = await errorOf(unary(reply(400, json, connectError(sent))));
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.findDetails(ViolationsSchema)).toEqual([violations]);
    expect(err.findDetails(ErrorInfoSchema)).toEqual([info]);
  });

  it("runs the interceptors in order, each seeing the call's contextValues, headers and signal", async () => {
    const who = createContextKey<string>("anonymous", { description: "who" });
    const log: string[] = [];
    const tag =
      (name: string): Interceptor =>
      (next) =>
      async (req) => {
        log.push(`${name}>${req.contextValues.get(who)}`);
        expect(req.stream).toBe(false);
        expect(req.method).toBe(getUser);
        expect(req.signal).toBeInstanceOf(AbortSignal);
        expect(req.signal.aborted).toBe(false);
        expect(req.header.get("connect-timeout-ms")).toBe("700");
        req.header.append("x-chain", name);
        const res = await next(req);
        log.push(`<${name}`);
        return res;
      };
    const transport = createFetchTransport({ baseUrl, defaultTimeoutMs: 700, interceptors: [tag("outer"), tag("inner")] });
    const contextValues = createContextValues().set(who, "user-9");
    const res = await transport.unary(getUser, undefined, undefined, route(reply(200, { "Content-Type": "application/proto" }, okBytes)), { id: 7 }, contextValues);
    expect(res.message.user?.id).toBe(7);
    expect(log).toEqual(["outer>user-9", "inner>user-9", "<inner", "<outer"]);
    expect(seen.at(-1)!.headers["x-chain"]).toBe("outer, inner");
  });

  it("gives the interceptors an empty context without contextValues", async () => {
    const who = createContextKey<string>("anonymous");
    let got: string | undefined;
    const transport = createFetchTransport({
      baseUrl,
      interceptors: [(next) => (req) => ((got = req.contextValues.get(who)), next(req))],
    });
    await transport.unary(getUser, undefined, undefined, route(reply(200, { "Content-Type": "application/proto" }, okBytes)), { id: 7 });
    expect(got).toBe("anonymous");
  });

  const hang: Handler = () => {
    // Never answers: the client has to give up.
  };

  it("aborts at the deadline: DEADLINE_EXCEEDED", async () => {
    const started = Date.now();
    const err = await errorOf(unary(hang, { timeoutMs: 50 }));
    expect(err.code).toBe(Code.DeadlineExceeded);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("aborts when the caller goes away: CANCELED", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const err = await errorOf(unary(hang, { timeoutMs: 5000, signal: controller.signal }));
    expect(err.code).toBe(Code.Canceled);
  });

  it("aborts while the body is still coming: DEADLINE_EXCEEDED", async () => {
    const err = await errorOf(
      unary(
        (_req, res) => {
          res.writeHead(200, { "Content-Type": "application/proto", "Content-Length": "100" });
          res.write(okBytes.subarray(0, 2));
        },
        { timeoutMs: 80 },
      ),
    );
    expect(err.code).toBe(Code.DeadlineExceeded);
  });

  it("turns a refused connection into UNAVAILABLE", async () => {
    const err = await errorOf(unary(hang, { url: await closedPortUrl(), timeoutMs: 2000 }));
    expect(err.code).toBe(Code.Unavailable);
    expect(err.rawMessage).toBe("upstream unreachable");
  });

  it("lets the retry interceptor retry a refused read, re-signing each attempt inside the deadline", async () => {
    let signed = 0;
    const retries: number[] = [];
    const transport = createFetchTransport({
      baseUrl: await closedPortUrl(),
      interceptors: [
        retryInterceptor({ isIdempotent: () => true, budget: new RetryBudget(), baseDelayMs: 1, onRetry: (e) => retries.push(e.attempt) }),
        (next) => (req) => (req.header.set("authorization", `Bearer ${++signed}`), next(req)),
      ],
    });
    const err = await errorOf(transport.unary(getUser, undefined, 2000, {}, { id: 7 }));
    expect(err.code).toBe(Code.Unavailable);
    expect(retries).toEqual([1, 2]);
    expect(signed).toBe(3);
  });

  it("rejects streaming calls: UNIMPLEMENTED", async () => {
    const transport = createFetchTransport({ baseUrl });
    const stream = UserService.method.getUserById as unknown as Parameters<typeof transport.stream>[0];
    const err = await errorOf(transport.stream(stream, undefined, undefined, undefined, (async function* () {})()));
    expect(err.code).toBe(Code.Unimplemented);
  });
});
