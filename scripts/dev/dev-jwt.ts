// End-user tokens on a laptop: the issuer and audience wrangler.toml's [vars] declare, and
// the HS256 secret `npm run dev` gives the gateway and `npm run token` signs with.
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Equal to JWT_ISSUER / JWT_AUDIENCE in wrangler.toml (scripts/token.test.ts checks). */
export const DEV_JWT_ISSUER = "grpc-edge-dev";
export const DEV_JWT_AUDIENCE = "grpc-edge-api";
/** Equal to ADMIN_CLAIM / ADMIN_CLAIM_VALUE in wrangler.toml: how `--admin` marks an administrator, as an identity provider would. */
export const DEV_ADMIN_CLAIM = "roles";
export const DEV_ADMIN_CLAIM_VALUE = "grpc-edge-admin";

/** KEY=VALUE lines of a .dev.vars file (wrangler's dotenv format, without interpolation). */
export function readDevVars(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  const vars: Record<string, string> = {};
  for (const line of readFileSync(file, "utf8").split(/\r?\n/)) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (match === null || line.trimStart().startsWith("#")) continue;
    vars[match[1]!] = match[2]!.replace(/^(["'])(.*)\1$/, "$2");
  }
  return vars;
}

/**
 * The dev JWT_SECRET: yours (environment, then .dev.vars), or one generated on the first
 * `npm run dev` and kept in the data folder, so tokens minted in another terminal verify
 * and survive restarts. `create: false` (npm run token) never invents one.
 */
export function devJwtSecret(root: string, dataDir: string, create: boolean): string | undefined {
  const fromEnv = process.env.JWT_SECRET || readDevVars(path.join(root, ".dev.vars")).JWT_SECRET;
  if (fromEnv) return fromEnv;
  const file = path.join(dataDir, "jwt-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  if (!create) return undefined;
  const secret = randomBytes(32).toString("base64url");
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

export interface DevTokenOptions {
  secret: string;
  sub: string;
  scope: string;
  ttlSeconds: number;
  issuer?: string;
  audience?: string;
  /** Mark the token an administrator's: `{ [claim]: [value] }`. */
  admin?: { claim: string; value: string };
}

const b64url = (value: string | Buffer) => Buffer.from(value).toString("base64url");

/** An HS256 JWT the gateway accepts under `npm run dev`. */
export function signDevToken({ secret, sub, scope, ttlSeconds, issuer = DEV_JWT_ISSUER, audience = DEV_JWT_AUDIENCE, admin }: DevTokenOptions): string {
  const iat = Math.floor(Date.now() / 1000);
  const payload = { iss: issuer, aud: audience, sub, scope, iat, exp: iat + ttlSeconds, jti: randomUUID(), ...(admin ? { [admin.claim]: [admin.value] } : {}) };
  const input = `${b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))}.${b64url(JSON.stringify(payload))}`;
  return `${input}.${b64url(createHmac("sha256", secret).update(input).digest())}`;
}
