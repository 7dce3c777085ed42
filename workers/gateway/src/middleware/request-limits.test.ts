import { describe, expect, it } from "vitest";
import { middlewareTestApp } from "../../test/middleware-test-app.ts";
import { requestLimits } from "./request-limits.ts";

const app = middlewareTestApp();
app.use(requestLimits());
app.all("*", (c) => c.text("ok"));

describe("requestLimits", () => {
  it("a URL up to 2 KiB passes; longer → 414 problem JSON", async () => {
    const base = "http://localhost/api/users?pageToken=";
    expect((await app.request(base + "a".repeat(2048 - base.length))).status).toBe(200);
    const res = await app.request(base + "a".repeat(2049 - base.length));
    expect(res.status).toBe(414);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(await res.json()).toMatchObject({ status: 414, code: "invalid_argument", type: "https://grpc-edge.dev/problems/uri-too-long" });
  });

  it("headers over 16 KiB in total → 431; a big but sane token passes", async () => {
    expect((await app.request("/x", { headers: { authorization: `Bearer ${"a".repeat(8000)}` } })).status).toBe(200);
    const headers = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`x-padding-${i}`, "p".repeat(1000)]));
    const res = await app.request("/x", { headers });
    expect(res.status).toBe(431);
    expect(await res.json()).toMatchObject({ status: 431, type: "https://grpc-edge.dev/problems/request-header-fields-too-large" });
  });

  it("counts UTF-8 bytes, not characters, right at the header limit", async () => {
    // 16 KiB: "é" is two bytes, so 8,000 of them are 16,000 bytes — under with a short name, over with more.
    const value = "é".repeat(8000);
    const sized = (padding: number) => ({ "x-a": value, "x-b": "b".repeat(padding) });
    const overhead = "x-a".length + "x-b".length;
    expect((await app.request("/x", { headers: sized(16 * 1024 - 16_000 - overhead) })).status).toBe(200);
    expect((await app.request("/x", { headers: sized(16 * 1024 - 16_000 - overhead + 1) })).status).toBe(431);
  });
});
