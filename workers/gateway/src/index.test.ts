import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "./index.ts";

// The Worker entry as workerd calls it: env from wrangler.toml vars, global fetch.
const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
const call = (path: string, env: Record<string, string>) =>
  worker.fetch(new Request(`http://gateway.test${path}`), env, ctx);

afterEach(() => vi.unstubAllGlobals());
vi.spyOn(console, "log").mockImplementation(() => {});

describe("Worker entry", () => {
  it.each([
    [{}, "USER_SERVICE_URL is not set"],
    [{ USER_SERVICE_URL: "ftp://user:hunter2@host" }, "USER_SERVICE_URL must be an absolute http(s) URL"],
    [{ USER_SERVICE_URL: "http://u", UPSTREAM_TIMEOUT_MS: "0" }, "UPSTREAM_TIMEOUT_MS must be an integer"],
  ])("answers 500 problem JSON for a bad env %j, without leaking values", async (env, message) => {
    for (const path of ["/api/users", "/healthz"]) {
      const res = await call(path, env);
      expect(res.status).toBe(500);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      const text = await res.text();
      expect(text).not.toContain("hunter2");
      expect(JSON.parse(text)).toMatchObject({
        type: "https://grpc-edge.dev/problems/gateway-misconfigured",
        status: 500,
        code: "internal",
        detail: expect.stringContaining(message),
      });
    }
  });

  it("calls USER_SERVICE_URL with the configured deadline and the request id", async () => {
    const seen: Request[] = [];
    vi.stubGlobal("fetch", async (input: RequestInfo, init?: RequestInit) => {
      seen.push(new Request(input, init));
      throw new TypeError("fetch failed");
    });
    const env = { USER_SERVICE_URL: "http://users.test:50051", UPSTREAM_TIMEOUT_MS: "750" };
    const res = await worker.fetch(
      new Request("http://gateway.test/api/users/7", { headers: { "X-Request-Id": "abc" } }),
      env,
      ctx,
    );
    expect(seen).toHaveLength(1);
    expect(seen[0]?.url).toBe("http://users.test:50051/user.v1.UserService/GetUserById");
    expect(seen[0]?.headers.get("connect-timeout-ms")).toBe("750");
    expect(seen[0]?.headers.get("x-request-id")).toBe("abc");
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
    const base = { USER_SERVICE_URL: "http://users.test:50051" };
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

  it("keeps serving after a config change (no stale app)", async () => {
    vi.stubGlobal("fetch", async () => {
      throw new TypeError("fetch failed");
    });
    expect((await call("/healthz", {})).status).toBe(500);
    expect((await call("/healthz", { USER_SERVICE_URL: "http://u" })).status).toBe(200);
  });
});
