import { describe, expect, it } from "vitest";
import { middlewareTestApp } from "../../test/middleware-test-app.ts";
import { corsAllowList } from "./cors-allow-list.ts";

const app = middlewareTestApp();
app.use(corsAllowList(["https://app.example.com", "http://localhost:5173"]));
app.get("/api/users", (c) => c.json({ users: [] }));
app.post("/api/users", () => {
  throw new Error("boom");
});

const preflight = (origin: string, method = "POST") =>
  app.request("/api/users", {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": method, "access-control-request-headers": "authorization, content-type, idempotency-key" },
  });

describe("corsAllowList", () => {
  it("answers an allowed origin's preflight: methods, headers incl. Authorization and Idempotency-Key, max-age", async () => {
    const res = await preflight("https://app.example.com");
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(res.headers.get("access-control-allow-methods")).toBe("GET,HEAD,POST,PATCH,DELETE");
    expect(res.headers.get("access-control-allow-headers")).toBe(
      "Authorization,Content-Type,Idempotency-Key,X-Request-Id,Connect-Protocol-Version,Connect-Timeout-Ms,X-Grpc-Web,X-User-Agent,Grpc-Timeout",
    );
    expect(res.headers.get("access-control-max-age")).toBe("600");
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
    expect(res.headers.get("vary")).toMatch(/Origin/);
  });

  it("a preflight from any other origin → 403 problem JSON without CORS headers", async () => {
    for (const origin of ["https://evil.example", "https://app.example.com.evil.example", "null"]) {
      const res = await preflight(origin);
      expect(res.status, origin).toBe(403);
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
      expect(await res.json()).toMatchObject({ status: 403, type: "https://grpc-edge.dev/problems/cors-origin-not-allowed" });
    }
  });

  it("actual requests: allowed origins get CORS headers (errors too), others get none", async () => {
    const ok = await app.request("/api/users", { headers: { origin: "http://localhost:5173" } });
    expect(ok.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    // What a browser client reads: where a create put its resource, replays, back-off, caching, timing.
    const exposed = ok.headers.get("access-control-expose-headers")!.split(/\s*,\s*/);
    expect(exposed).toEqual(expect.arrayContaining(["Location", "ETag", "Idempotent-Replayed", "Retry-After", "WWW-Authenticate", "X-Request-Id", "Server-Timing", "Grpc-Status", "Grpc-Message", "Grpc-Status-Details-Bin"]));
    // A script must be able to read the problem of a failed call.
    const failed = await app.request("/api/users", { method: "POST", headers: { origin: "https://app.example.com" } });
    expect(failed.status).toBe(500);
    expect(failed.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    const other = await app.request("/api/users", { headers: { origin: "https://evil.example" } });
    expect(other.status).toBe(200);
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    const sameOrigin = await app.request("/api/users");
    expect([...sameOrigin.headers.keys()].filter((k) => k.startsWith("access-control"))).toEqual([]);
  });
});
