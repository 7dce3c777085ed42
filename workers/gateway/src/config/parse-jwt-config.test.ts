import { describe, expect, it } from "vitest";
import { configError, GatewayError } from "../errors/gateway-error.ts";
import { parseJwtConfig, type JwtEnv } from "./parse-jwt-config.ts";

const serviceSecret = "service-token-secret-0123456789abcdef";
const base = { JWT_ISSUER: "https://id.example.com/", JWT_AUDIENCE: "grpc-edge-api" };
const secret = "jwt-secret-of-at-least-32-bytes-0123456789";

describe("parseJwtConfig", () => {
  it("takes a shared secret (HS256) or a JWKS URL (RS256/ES256)", () => {
    expect(parseJwtConfig({ ...base, JWT_SECRET: secret }, serviceSecret)).toEqual({
      issuer: "https://id.example.com/",
      audience: "grpc-edge-api",
      // ADMIN_CLAIM / ADMIN_CLAIM_VALUE unset: their defaults.
      admin: { claim: "roles", value: "grpc-edge-admin" },
      keys: { kind: "secret", secret },
    });
    expect(parseJwtConfig({ ...base, JWT_JWKS_URL: "https://id.example.com/.well-known/jwks.json", JWT_SECRET: "" }, serviceSecret).keys).toEqual({
      kind: "jwks",
      url: "https://id.example.com/.well-known/jwks.json",
    });
    // A local key server (tests, dev) may be plain http on loopback.
    expect(parseJwtConfig({ ...base, JWT_JWKS_URL: "http://127.0.0.1:4000/jwks" }, serviceSecret).keys).toMatchObject({ kind: "jwks" });
  });

  it.each<[JwtEnv, string]>([
    [{ JWT_AUDIENCE: "a", JWT_SECRET: secret }, "JWT_ISSUER is not set"],
    [{ JWT_ISSUER: "i", JWT_AUDIENCE: " ", JWT_SECRET: secret }, "JWT_AUDIENCE is not set"],
    [{ ...base }, "exactly one of JWT_SECRET and JWT_JWKS_URL must be set"],
    [{ ...base, JWT_SECRET: "", JWT_JWKS_URL: "" }, "exactly one of JWT_SECRET and JWT_JWKS_URL must be set"],
    [{ ...base, JWT_SECRET: secret, JWT_JWKS_URL: "https://id.example.com/jwks" }, "exactly one of JWT_SECRET and JWT_JWKS_URL must be set"],
    [{ ...base, JWT_SECRET: "short" }, "JWT_SECRET must be at least 32 bytes long"],
    [{ ...base, JWT_SECRET: serviceSecret }, "JWT_SECRET must differ from SERVICE_TOKEN_SECRET"],
    [{ ...base, JWT_JWKS_URL: "http://id.example.com/jwks" }, "JWT_JWKS_URL must be an absolute https URL"],
    [{ ...base, JWT_JWKS_URL: "/jwks" }, "JWT_JWKS_URL must be an absolute https URL"],
  ])("refuses %j", (env, message) => {
    expect(() => parseJwtConfig(env, serviceSecret)).toThrow(configError(message));
  });

  it("never puts a value into its message", () => {
    try {
      parseJwtConfig({ ...base, JWT_SECRET: "hunter2-but-too-short" }, serviceSecret);
    } catch (err) {
      expect((err as Error).message).not.toContain("hunter2");
      return;
    }
    expect.unreachable();
  });

  it("reads who is an administrator: ADMIN_CLAIM and ADMIN_CLAIM_VALUE, roles ∋ grpc-edge-admin by default", () => {
    const custom = parseJwtConfig({ ...base, JWT_SECRET: secret, ADMIN_CLAIM: "https://api.example.com/roles", ADMIN_CLAIM_VALUE: "ops" }, serviceSecret);
    expect(custom.admin).toEqual({ claim: "https://api.example.com/roles", value: "ops" });
  });
});
