import { decodeProtectedHeader, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { importServiceTokenKey, signServiceToken } from "./service-token.ts";

const secret = "gateway-signer-test-secret-0123456789abcdef";
const verify = (token: string, key = secret) =>
  jwtVerify(token, new TextEncoder().encode(key), { algorithms: ["HS256"], issuer: "grpc-edge-gateway", audience: "grpc-edge-services" });

describe("signServiceToken (WebCrypto HMAC)", () => {
  it("signs an HS256 JWT that a standard library verifies, with a 30 s life, a unique jti and the caller's claims", async () => {
    const key = await importServiceTokenKey(secret);
    const [a, b] = [await signServiceToken(key, { sub: "7", scope: "users:read" }), await signServiceToken(key, { scope: "" })];
    expect(decodeProtectedHeader(a)).toEqual({ alg: "HS256", typ: "JWT" });
    const { payload } = await verify(a);
    expect(payload).toMatchObject({ sub: "7", scope: "users:read" });
    expect(payload.exp! - payload.iat!).toBe(30);
    const anonymous = (await verify(b)).payload;
    expect(anonymous.sub).toBeUndefined();
    expect(anonymous.jti).not.toBe(payload.jti);
  });

  it("carries the end user's token id as user_jti, and no such claim without one", async () => {
    const key = await importServiceTokenKey(secret);
    const withJti = (await verify(await signServiceToken(key, { sub: "7", scope: "", userJti: "tok-5f1c" }))).payload;
    expect(withJti).toMatchObject({ sub: "7", user_jti: "tok-5f1c" });
    expect(withJti.jti).not.toBe("tok-5f1c");
    expect((await verify(await signServiceToken(key, { sub: "7", scope: "" }))).payload).not.toHaveProperty("user_jti");
  });

  it("is useless with another secret", async () => {
    const token = await signServiceToken(await importServiceTokenKey(secret), { scope: "admin" });
    await expect(verify(token, "another-secret-of-at-least-32-bytes!!")).rejects.toThrow(/signature/);
  });
});
