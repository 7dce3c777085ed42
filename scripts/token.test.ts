// `npm run token` as a developer runs it: the token it prints verifies with the issuer and
// audience the gateway reads from wrangler.toml, and carries what was asked for.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { jwtVerify } from "jose";
import { afterAll, describe, expect, it } from "vitest";
import { DEV_ADMIN_CLAIM, DEV_ADMIN_CLAIM_VALUE, DEV_JWT_AUDIENCE, DEV_JWT_ISSUER, devJwtSecret } from "./dev/dev-jwt.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const secret = "token-script-test-secret-0123456789abcdef";
const emptyData = mkdtempSync(path.join(tmpdir(), "grpc-edge-token-"));
afterAll(() => rmSync(emptyData, { recursive: true, force: true }));

function token(args: string[], env: Record<string, string> = { JWT_SECRET: secret }) {
  return promisify(execFile)(process.execPath, [path.join(root, "scripts/token.ts"), ...args], {
    cwd: root,
    env: { PATH: process.env.PATH, DEV_DATA_DIR: emptyData, ...env },
  });
}

describe("npm run token", () => {
  it("mints an HS256 token for the dev issuer and audience, with sub, scope and ttl", async () => {
    const { stdout } = await token(["--sub", "4", "--scope", "users:read", "--admin", "--ttl", "120"]);
    const { payload, protectedHeader } = await jwtVerify(stdout.trim(), new TextEncoder().encode(secret), {
      algorithms: ["HS256"],
      issuer: DEV_JWT_ISSUER,
      audience: DEV_JWT_AUDIENCE,
    });
    expect(protectedHeader.alg).toBe("HS256");
    // --admin is the identity provider's admin claim, not a scope (the gateway ignores a requested one).
    expect(payload).toMatchObject({ sub: "4", scope: "users:read", [DEV_ADMIN_CLAIM]: [DEV_ADMIN_CLAIM_VALUE] });
    expect(payload.exp! - payload.iat!).toBe(120);
  });

  it("uses the issuer and audience wrangler.toml gives the gateway", () => {
    const toml = readFileSync(path.join(root, "wrangler.toml"), "utf8");
    expect(toml).toMatch(new RegExp(`^JWT_ISSUER = "${DEV_JWT_ISSUER}"$`, "m"));
    expect(toml).toMatch(new RegExp(`^JWT_AUDIENCE = "${DEV_JWT_AUDIENCE}"$`, "m"));
    expect(toml).toMatch(new RegExp(`^ADMIN_CLAIM = "${DEV_ADMIN_CLAIM}"$`, "m"));
    expect(toml).toMatch(new RegExp(`^ADMIN_CLAIM_VALUE = "${DEV_ADMIN_CLAIM_VALUE}"$`, "m"));
  });

  it.each([[["--scope", "admin"]], [["--sub", "abc"]], [["--sub", "1", "--ttl", "0"]], [["--sub", "1", "--bogus"]]])("refuses %j with usage, exit 2", async (args) => {
    await expect(token(args)).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining("usage: npm run token") });
  });

  it("without any secret, says where to get one instead of minting a useless token", async () => {
    await expect(token(["--sub", "1"], {})).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining("npm run dev") });
  });

  it("refuses to sign with the example secret of .dev.vars.example (everyone knows it), without printing a token", async () => {
    const failure = token(["--sub", "1", "--admin"], { JWT_SECRET: "replace-me-with-another-32-random-bytes" });
    await expect(failure).rejects.toMatchObject({ code: 2, stdout: "", stderr: expect.stringContaining("example value from .dev.vars.example") });
  });

  it("npm run dev's generated secret is kept in the data folder and found again", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "grpc-edge-devjwt-"));
    const saved = process.env.JWT_SECRET;
    delete process.env.JWT_SECRET;
    try {
      const created = devJwtSecret(dir, dir, true);
      expect(created).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(devJwtSecret(dir, dir, false)).toBe(created);
    } finally {
      if (saved !== undefined) process.env.JWT_SECRET = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
