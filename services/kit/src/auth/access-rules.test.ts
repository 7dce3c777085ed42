import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { mayReadUser, mayWriteUser, requireReadUser, requireScope, requireWriteUser, Scopes } from "./access-rules.ts";
import type { Caller } from "./caller.ts";

const caller = (userId: number | undefined, ...scopes: string[]): Caller => ({ userId, scopes: new Set(scopes), token: "t", userTokenId: undefined, authz: {} });

describe("access rules", () => {
  it.each([
    ["herself reading", caller(7), (c: Caller) => mayReadUser(c, 7), true, "self"],
    ["a users:read caller reading another", caller(7, Scopes.usersRead), (c: Caller) => mayReadUser(c, 8), true, "users:read"],
    ["an admin reading another", caller(7, Scopes.admin), (c: Caller) => mayReadUser(c, 8), true, "admin"],
    ["a plain user reading another", caller(7), (c: Caller) => mayReadUser(c, 8), false, "denied"],
    ["herself writing", caller(7, Scopes.usersRead), (c: Caller) => mayWriteUser(c, 7), true, "self"],
    ["users:read writing another", caller(7, Scopes.usersRead), (c: Caller) => mayWriteUser(c, 8), false, "denied"],
    ["an admin writing another", caller(undefined, Scopes.admin), (c: Caller) => mayWriteUser(c, 8), true, "admin"],
    ["an anonymous caller writing", caller(undefined), (c: Caller) => mayWriteUser(c, 8), false, "denied"],
  ])("%s: allowed %s, recorded as the grounds", (_case, who, rule, allowed, decision) => {
    expect([rule(who), who.authz.decision]).toEqual([allowed, decision]);
  });

  it("require* throw PERMISSION_DENIED and record the denial", () => {
    for (const [rule, who] of [
      [(c: Caller) => requireReadUser(c, 8), caller(7)],
      [(c: Caller) => requireWriteUser(c, 8), caller(7, Scopes.usersRead)],
      [(c: Caller) => requireScope(c, Scopes.admin), caller(7, Scopes.usersRead)],
    ] as const) {
      expect(() => rule(who)).toThrow(expect.objectContaining({ code: Code.PermissionDenied }) as ConnectError);
      expect(who.authz.decision).toBe("denied");
    }
  });

  it("a denial sticks for the rest of the call, even if a later check passes", () => {
    const who = caller(7);
    expect([mayReadUser(who, 8), mayReadUser(who, 7), who.authz.decision]).toEqual([false, true, "denied"]);
  });
});
