import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { mintServiceToken, TEST_SERVICE_TOKEN_SECRET } from "../../testing/index.ts";
import { serviceTokenKey, SERVICE_TOKEN_CLOCK_SKEW_S } from "./service-token.ts";
import { serviceTokenCache } from "./service-token-cache.ts";

const key = serviceTokenKey(TEST_SERVICE_TOKEN_SECRET);

/** A clock the test moves; starts at the real time, since minted tokens carry it. */
function clock() {
  let t = Date.now();
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

const code = (p: Promise<unknown>) => p.then(() => "ok", (e: unknown) => ConnectError.from(e).code);

describe("serviceTokenCache", () => {
  it("answers a token it verified with the same caller, until the token expires", async () => {
    const time = clock();
    const verify = serviceTokenCache(key, { now: time.now });
    const token = await mintServiceToken({ sub: 7, scope: "users:read", ttl: 30 });
    const first = await verify(token);
    expect(await verify(token)).toBe(first);
    expect([first.userId, [...first.scopes]]).toEqual([7, ["users:read"]]);
    time.advance((30 + SERVICE_TOKEN_CLOCK_SKEW_S) * 1000 + 1000);
    expect(await code(verify(token))).toBe(Code.Unauthenticated);
  });

  it("never remembers a refused token", async () => {
    const verify = serviceTokenCache(key);
    const forged = (await mintServiceToken({ sub: 7 })).replace(/\.[^.]+$/, ".AAAA");
    expect(await code(verify(forged))).toBe(Code.Unauthenticated);
    expect(await code(verify(forged))).toBe(Code.Unauthenticated);
  });

  it("keeps at most maxEntries tokens, forgetting the oldest first", async () => {
    const verify = serviceTokenCache(key, { maxEntries: 2 });
    const [a, b, c] = [await mintServiceToken({ sub: 1 }), await mintServiceToken({ sub: 2 }), await mintServiceToken({ sub: 3 })];
    const callerA = await verify(a);
    await verify(b);
    await verify(c);
    // a was forgotten: verified afresh, a new caller object for the same token.
    const again = await verify(a);
    expect(again).not.toBe(callerA);
    expect(again.userId).toBe(1);
  });
});
