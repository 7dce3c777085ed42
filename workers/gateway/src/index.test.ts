import { jwtVerify } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import { mintJwt, TEST_JWT } from "../test/jwt-test-kit.ts";
import worker from "./index.ts";

// The Worker entry as workerd calls it: env from wrangler.toml vars, global fetch.
const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
const SECRET = "gateway-unit-test-secret-0123456789abcdef";
const JWT = { JWT_ISSUER: TEST_JWT.issuer, JWT_AUDIENCE: TEST_JWT.audience, JWT_SECRET: TEST_JWT.secret };
const call = (path: string, env: Record<string, string>) =>
  worker.fetch(new Request(`http://gateway.test${path}`), env, ctx);

afterEach(() => vi.unstubAllGlobals());
vi.spyOn(console, "log").mockImplementation(() => {});

describe("Worker entry", () => {
  it.each([
    [{}, "USER_SERVICE_URL is not set"],
    [{ USER_SERVICE_URL: "ftp://user:hunter2@host" }, "USER_SERVICE_URL must be an absolute http(s) URL"],
    [{ USER_SERVICE_URL: "http://u", ORDER_SERVICE_URL: "http://o", UPSTREAM_TIMEOUT_MS: "0", SERVICE_TOKEN_SECRET: SECRET }, "UPSTREAM_TIMEOUT_MS must be an integer"],
    [{ USER_SERVICE_URL: "http://u", ORDER_SERVICE_URL: "http://o", SERVICE_TOKEN_SECRET: "hunter2" }, "SERVICE_TOKEN_SECRET must be at least 32 bytes long"],
    // A copied .dev.vars.example: long enough, and known to everybody.
    [{ USER_SERVICE_URL: "http://u", ORDER_SERVICE_URL: "http://o", SERVICE_TOKEN_SECRET: "replace-me-with-at-least-32-random-bytes" }, "SERVICE_TOKEN_SECRET is the example value"],
    [{ USER_SERVICE_URL: "http://u", ORDER_SERVICE_URL: "http://o", SERVICE_TOKEN_SECRET: SECRET, ...JWT, JWT_SECRET: "x".repeat(48) }, "JWT_SECRET is one character repeated"],
  ])("answers 500 problem JSON for a bad env %j, without leaking values", async (env, message) => {
    for (const path of ["/api/users", "/healthz"]) {
      const res = await call(path, env);
      expect(res.status).toBe(500);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      // The same chain as a working app: request id and security headers on the 500 too.
      expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      const text = await res.text();
      expect(text).not.toContain("hunter2");
      expect(text).not.toContain("replace-me");
      expect(text).not.toContain("xxxxxxxx");
      expect(JSON.parse(text)).toMatchObject({
        type: "https://grpc-edge.dev/problems/gateway-misconfigured",
        status: 500,
        code: "internal",
        detail: expect.stringContaining(message),
      });
    }
  });

  it("calls USER_SERVICE_URL with the configured deadline, the request id, a fresh service token for the verified user and allow-listed headers only", async () => {
    const seen: Request[] = [];
    vi.stubGlobal("fetch", async (input: RequestInfo, init?: RequestInit) => {
      seen.push(new Request(input, init));
      throw new TypeError("fetch failed");
    });
    const env = { USER_SERVICE_URL: "http://users.test:50051", ORDER_SERVICE_URL: "http://orders.test:50052", UPSTREAM_TIMEOUT_MS: "750", SERVICE_TOKEN_SECRET: SECRET, PUBLIC_READS: "true", ...JWT };
    const forged = await worker.fetch(new Request("http://gateway.test/api/users/7", { headers: { Authorization: "Bearer forged" } }), env, ctx);
    expect(forged.status).toBe(401);
    expect(seen).toHaveLength(0);
    const res = await worker.fetch(
      new Request("http://gateway.test/api/users/7", {
        // The client's own token and identity headers never reach the services: the service token does.
        headers: { "X-Request-Id": "abc", "Idempotency-Key": "k-42", Authorization: `Bearer ${await mintJwt({ sub: "7" })}`, "X-User-Id": "1" },
      }),
      env,
      ctx,
    );
    // A read that found nobody: tried 3 times (retryInterceptor), each attempt within what is left of 750 ms.
    expect(seen).toHaveLength(3);
    expect(seen.map((r) => Number(r.headers.get("connect-timeout-ms")))).toEqual([750, expect.any(Number), expect.any(Number)]);
    expect(seen.every((r) => Number(r.headers.get("connect-timeout-ms")) <= 750)).toBe(true);
    expect(seen[0]?.url).toBe("http://users.test:50051/user.v1.UserService/GetUserById");
    expect(seen[0]?.headers.get("connect-timeout-ms")).toBe("750");
    expect(seen[0]?.headers.get("x-request-id")).toBe("abc");
    expect(seen[0]?.headers.get("idempotency-key")).toBe("k-42");
    expect(seen[0]?.headers.get("x-user-id")).toBeNull();
    const { payload } = await jwtVerify(seen[0]!.headers.get("authorization")!.replace(/^Bearer /, ""), new TextEncoder().encode(SECRET), {
      algorithms: ["HS256"],
      issuer: "grpc-edge-gateway",
      audience: "grpc-edge-services",
    });
    // The verified user, plus users:read from PUBLIC_READS.
    expect(payload).toEqual({ iss: "grpc-edge-gateway", aud: "grpc-edge-services", iat: expect.any(Number), exp: payload.iat! + 30, jti: expect.any(String), sub: "7", scope: "users:read" });
    // Unreachable upstream: 503 problem, the URL kept out of the body.
    expect(res.status).toBe(503);
    expect(await res.text()).not.toContain("users.test");
  });

  it("with OTEL_EXPORTER_OTLP_ENDPOINT, hands the span export to waitUntil; without it, sends nothing", async () => {
    const seen: Request[] = [];
    vi.stubGlobal("fetch", async (input: RequestInfo, init?: RequestInit) => {
      seen.push(new Request(input, init));
      return new Response("{}");
    });
    const waited: Promise<unknown>[] = [];
    const tracked = { ...ctx, waitUntil: (p: Promise<unknown>) => void waited.push(p) } as ExecutionContext;
    const base = { USER_SERVICE_URL: "http://users.test:50051", ORDER_SERVICE_URL: "http://orders.test:50052", SERVICE_TOKEN_SECRET: SECRET, ...JWT };
    await worker.fetch(new Request("http://gateway.test/healthz"), base, tracked);
    expect([waited.length, seen.length]).toEqual([0, 0]);

    const res = await worker.fetch(new Request("http://gateway.test/healthz"), { ...base, OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector.test:4318" }, tracked);
    expect(res.status).toBe(200);
    expect(waited).toHaveLength(1);
    await Promise.all(waited);
    expect(seen.map((r) => [r.method, r.url])).toEqual([["POST", "http://collector.test:4318/v1/traces"]]);
    const body = (await seen[0]!.json()) as { resourceSpans: { resource: unknown; scopeSpans: { spans: { name: string }[] }[] }[] };
    expect(body.resourceSpans[0]!.resource).toEqual({ attributes: [{ key: "service.name", value: { stringValue: "grpc-edge-gateway" } }] });
    expect(body.resourceSpans[0]!.scopeSpans[0]!.spans.map((s) => s.name)).toEqual(["GET"]);
  });

  describe("routing: each RPC to the service that owns it, CreateOrder and ListOrders through the user service", () => {
    const env = { USER_SERVICE_URL: "http://users.test:50051", ORDER_SERVICE_URL: "http://orders.test:50052", SERVICE_TOKEN_SECRET: SECRET, PUBLIC_READS: "true", ...JWT };
    // A Connect NOT_FOUND: answered at once, never retried.
    const notFound = () => new Response(JSON.stringify({ code: "not_found", message: "nothing here" }), { status: 404, headers: { "content-type": "application/json" } });
    const routes: [method: string, path: string, url: string][] = [
      ["GET", "/api/users/7", "http://users.test:50051/user.v1.UserService/GetUserById"],
      ["GET", "/api/items", "http://orders.test:50052/orders.v1.OrderService/ListItems"],
      ["GET", "/api/items/3", "http://orders.test:50052/orders.v1.OrderService/GetItem"],
      ["GET", "/api/orders/5", "http://orders.test:50052/orders.v1.OrderService/GetOrder"],
      ["POST", "/api/orders/5:cancel", "http://orders.test:50052/orders.v1.OrderService/CancelOrder"],
      ["GET", "/api/users/7/orders", "http://users.test:50051/orders.v1.OrderService/ListOrders"],
      ["POST", "/api/users/7/orders", "http://users.test:50051/orders.v1.OrderService/CreateOrder"],
    ];
    const send = async (method: string, path: string, bindings: object = {}) =>
      worker.fetch(
        new Request(`http://gateway.test${path}`, {
          method,
          headers: { Authorization: `Bearer ${await mintJwt({ sub: "7" })}`, "Content-Type": "application/json" },
          ...(method === "POST" ? { body: path.endsWith(":cancel") ? "{}" : JSON.stringify({ itemId: 1, amount: 1 }) } : {}),
        }),
        { ...env, ...bindings },
        ctx,
      );

    it.each(routes)("%s %s → %s (fetch)", async (method, path, url) => {
      const seen: string[] = [];
      vi.stubGlobal("fetch", async (input: RequestInfo) => {
        seen.push(new Request(input).url);
        return notFound();
      });
      expect((await send(method, path)).status).toBe(404);
      expect(seen).toEqual([url]);
    });

    it.each(routes)("%s %s → %s through the SERVICES binding when it is bound", async (method, path, url) => {
      vi.stubGlobal("fetch", async () => {
        throw new Error("the global fetch must not be used while SERVICES is bound");
      });
      const seen: { url: string; token: string | null }[] = [];
      const SERVICES = {
        async fetch(input: string, init: RequestInit) {
          seen.push({ url: input, token: new Headers(init.headers).get("authorization") });
          return notFound();
        },
      };
      expect((await send(method, path, { SERVICES })).status).toBe(404);
      expect(seen).toEqual([{ url, token: expect.stringMatching(/^Bearer ey/) }]);
    });
  });

  it("keeps serving after a config change (no stale app)", async () => {
    vi.stubGlobal("fetch", async () => {
      throw new TypeError("fetch failed");
    });
    expect((await call("/healthz", {})).status).toBe(500);
    expect((await call("/healthz", { USER_SERVICE_URL: "http://u", ORDER_SERVICE_URL: "http://o", SERVICE_TOKEN_SECRET: SECRET, ...JWT })).status).toBe(200);
  });
});
