import { describe, expect, it } from "vitest";
import { middlewareTestApp } from "../../test/middleware-test-app.ts";
import { idempotencyKey } from "./idempotency-key.ts";

const app = middlewareTestApp();
app.use(idempotencyKey());
app.all("*", (c) => c.text(c.req.header("idempotency-key") ?? "none"));

describe("idempotencyKey", () => {
  it.each(["a", "8e03978e-40d5-43e8-bc93-6894a57f9324", "k".repeat(255), '"quoted"', "~!#$%&'()*+,-./:;<=>?@[]^_`{|}"])("accepts %s", async (key) => {
    const res = await app.request("/api/users", { method: "POST", headers: { "idempotency-key": key } });
    expect([res.status, await res.text()]).toEqual([200, key]);
  });

  it("requests without one pass", async () => {
    expect(await (await app.request("/api/users", { method: "POST" })).text()).toBe("none");
  });

  it.each([
    ["too long", "k".repeat(256)],
    ["a space inside", "two words"],
    ["non-ASCII (Latin-1)", "cl\u00e9"],
    ["a tab", "a\tb"],
  ])("%s → 400 problem JSON before anything else runs", async (_, key) => {
    const res = await app.request("/api/users", { method: "POST", headers: { "idempotency-key": key } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ status: 400, code: "invalid_argument", type: "https://grpc-edge.dev/problems/invalid-idempotency-key" });
  });

  it("two Idempotency-Key headers are one invalid key", async () => {
    const headers = new Headers([["idempotency-key", "a"], ["idempotency-key", "b"]]);
    expect((await app.request("/api/users", { method: "POST", headers })).status).toBe(400);
  });
});
