import { describe, expect, it } from "vitest";
import { middlewareTestApp } from "../../test/middleware-test-app.ts";
import { HSTS } from "./security-header-values.ts";
import { securityHeaders } from "./security-headers.ts";

const app = middlewareTestApp();
app.use(securityHeaders());
app.get("/public", (c) => c.json({ ok: true }));
app.get("/cached", (c) => {
  c.header("Cache-Control", "public, max-age=60");
  return c.json({ ok: true });
});

describe("securityHeaders", () => {
  it("every response, errors included: nosniff, no referrer, no framing, a CSP that loads nothing, no cross-origin embedding", async () => {
    for (const path of ["/public", "/nothing-here"]) {
      const res = await app.request(path);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers.get("cross-origin-resource-policy")).toBe("same-origin");
    }
  });

  it("sends none of the headers that only concern HTML documents or browsers long gone", async () => {
    const res = await app.request("/public");
    for (const name of ["cross-origin-opener-policy", "origin-agent-cluster", "x-dns-prefetch-control", "x-download-options", "x-permitted-cross-domain-policies", "x-xss-protection"]) {
      expect(res.headers.has(name), name).toBe(false);
    }
  });

  it("HSTS over https only", async () => {
    expect((await app.request("https://api.example.com/public")).headers.get("strict-transport-security")).toBe(HSTS);
    expect((await app.request("http://localhost/public")).headers.get("strict-transport-security")).toBeNull();
  });

  it("Cache-Control: no-store on errors and on answers to authenticated requests, unless a handler chose a policy", async () => {
    expect((await app.request("/public")).headers.get("cache-control")).toBeNull();
    expect((await app.request("/nothing-here")).headers.get("cache-control")).toBe("no-store");
    expect((await app.request("/public", { headers: { authorization: "Bearer x" } })).headers.get("cache-control")).toBe("no-store");
    expect((await app.request("/cached")).headers.get("cache-control")).toBe("public, max-age=60");
  });
});
