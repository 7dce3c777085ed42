import { createContextValues, type UnaryRequest } from "@connectrpc/connect";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { callerKey, type Caller } from "./caller.ts";
import { serviceTokenInterceptor } from "./service-token-interceptor.ts";

const secret = "interceptor-test-secret-0123456789abcdef";

/** The authorization header the interceptor puts on one call for `caller` at `nowMs`. */
function harness() {
  let nowMs = Date.now();
  const interceptor = serviceTokenInterceptor(secret, () => nowMs);
  const call = async (caller: Caller) => {
    const req = { header: new Headers(), contextValues: createContextValues().set(callerKey, caller) } as unknown as UnaryRequest;
    let sent = "";
    await interceptor(async (r) => {
      sent = r.header.get("authorization")!.replace(/^Bearer /, "");
      return {} as never;
    })(req);
    return sent;
  };
  return { call, advance: (ms: number) => void (nowMs += ms) };
}

const alice: Caller = { authenticated: true, sub: "7", scope: "users:read" };
const bob: Caller = { authenticated: true, sub: "8", scope: "users:read" };

describe("serviceTokenInterceptor", () => {
  it("reuses a caller's token while half its life is left, then signs a fresh one", async () => {
    const { call, advance } = harness();
    const first = await call(alice);
    advance(14_000);
    expect(await call(alice)).toBe(first);
    advance(1_000);
    const second = await call(alice);
    expect(second).not.toBe(first);
    expect(decodeJwt(second)).toMatchObject({ sub: "7", scope: "users:read" });
    expect(decodeJwt(second).exp! - Date.now() / 1000).toBeGreaterThan(0);
  });

  it("never gives one caller another's token", async () => {
    const { call } = harness();
    const [a, b, anonymous] = [await call(alice), await call(bob), await call({ authenticated: false, scope: "" })];
    expect(new Set([a, b, anonymous]).size).toBe(3);
    expect([decodeJwt(a).sub, decodeJwt(b).sub, decodeJwt(anonymous).sub]).toEqual(["7", "8", undefined]);
    expect(await call({ ...alice, scope: "users:read admin" })).not.toBe(a);
  });
});
