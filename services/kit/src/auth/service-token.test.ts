import { createHmac } from "node:crypto";
import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { mintServiceToken, TEST_SERVICE_TOKEN_SECRET } from "../../testing/index.ts";
import { serviceTokenKey, verifyServiceToken } from "./service-token.ts";

const key = serviceTokenKey(TEST_SERVICE_TOKEN_SECRET);
const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: object | string) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");

/** A JWT assembled by hand, signed (or not) as an attacker would. */
function forge(header: object, payload: object, sign: "hmac" | "none" = "hmac"): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const signature = sign === "none" ? "" : createHmac("sha256", TEST_SERVICE_TOKEN_SECRET).update(input).digest("base64url");
  return `${input}.${signature}`;
}

const claims = () => ({ iss: "grpc-edge-gateway", aud: "grpc-edge-services", iat: now(), exp: now() + 30, jti: "j1", sub: "7", scope: "users:read" });

async function failure(token: string): Promise<ConnectError> {
  return verifyServiceToken(token, key).then(
    () => expect.unreachable("the token should be refused"),
    (error: unknown) => ConnectError.from(error),
  );
}

// Built at module level: describe() callbacks cannot await.
const refused: Array<[string, string]> = [
  ["alg none, unsigned", forge({ alg: "none" }, claims(), "none")],
  ["alg none, signed anyway", forge({ alg: "none" }, claims())],
  ["RS256 with the secret as key (alg confusion)", forge({ alg: "RS256" }, claims())],
  ["HS512", forge({ alg: "HS512" }, claims())],
  ["another secret", await mintServiceToken({ secret: "another-secret-that-is-at-least-32-bytes" })],
  ["another issuer", await mintServiceToken({ issuer: "someone-else" })],
  ["another audience", await mintServiceToken({ audience: "other-services" })],
  ["a lifetime over 60 s", await mintServiceToken({ ttl: 61 })],
  ["an iat 10 s in the future", await mintServiceToken({ iat: now() + 10 })],
  ["no jti", forge({ alg: "HS256" }, { ...claims(), jti: undefined })],
  ["no exp", forge({ alg: "HS256" }, { ...claims(), exp: undefined })],
  ["sub that is not a user id", forge({ alg: "HS256" }, { ...claims(), sub: "1 OR 1=1" })],
  ["sub out of the int32 range", forge({ alg: "HS256" }, { ...claims(), sub: "2147483648" })],
  ["scope that is not a string", forge({ alg: "HS256" }, { ...claims(), scope: ["admin"] })],
  ["a tampered payload", (await mintServiceToken({ sub: 7 })).replace(/\.[^.]+\./, `.${b64({ ...claims(), sub: "1" })}.`)],
  ["a user_jti that is not a string", forge({ alg: "HS256" }, { ...claims(), user_jti: 5 })],
  ["garbage", "not.a.jwt"],
];

describe("verifyServiceToken", () => {
  it("accepts the gateway's token and returns who calls, with her scopes", async () => {
    const caller = await verifyServiceToken(await mintServiceToken({ sub: 7, scope: "users:read admin" }), key);
    expect([caller.userId, [...caller.scopes]]).toEqual([7, ["users:read", "admin"]]);
    const anonymous = await verifyServiceToken(await mintServiceToken({ scope: "" }), key);
    expect([anonymous.userId, anonymous.scopes.size]).toEqual([undefined, 0]);
  });

  it("carries the end user's token id (user_jti) for the audit log", async () => {
    expect((await verifyServiceToken(await mintServiceToken({ sub: 7, userJti: "jwt-7" }), key)).userTokenId).toBe("jwt-7");
    expect((await verifyServiceToken(await mintServiceToken({ sub: 7 }), key)).userTokenId).toBeUndefined();
  });

  it("accepts a hand-made HS256 token with our key (the gateway signs with WebCrypto, not jose)", async () => {
    expect((await verifyServiceToken(forge({ alg: "HS256", typ: "JWT" }, claims()), key)).userId).toBe(7);
  });

  it.each(refused)("refuses %s as UNAUTHENTICATED 'invalid service token'", async (_case, token) => {
    const error = await failure(token);
    expect([error.code, error.rawMessage]).toEqual([Code.Unauthenticated, "invalid service token"]);
  });

  it("says 'expired' for an expired token, and tolerates 5 s of clock skew", async () => {
    const expired = await failure(await mintServiceToken({ iat: now() - 70, ttl: 60 }));
    expect([expired.code, expired.rawMessage]).toEqual([Code.Unauthenticated, "expired service token"]);
    // exp 3 s ago and iat 4 s ahead: both within the skew.
    expect((await verifyServiceToken(await mintServiceToken({ iat: now() - 33, ttl: 30, sub: 1 }), key)).userId).toBe(1);
    expect((await verifyServiceToken(await mintServiceToken({ iat: now() + 4, sub: 2 }), key)).userId).toBe(2);
  });
});
