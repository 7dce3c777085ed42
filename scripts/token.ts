// `npm run token -- --sub 1 [--scope "users:read"] [--admin] [--ttl 3600]`: prints a
// development end-user JWT (HS256) that the gateway under `npm run dev` accepts. The secret
// comes from JWT_SECRET in the environment, .dev.vars, or the one `npm run dev` generated.
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { placeholderSecretReason } from "@grpc-edge/proto/placeholder-secret";
import { DEV_ADMIN_CLAIM, DEV_ADMIN_CLAIM_VALUE, DEV_JWT_AUDIENCE, DEV_JWT_ISSUER, devJwtSecret, readDevVars, signDevToken } from "./dev/dev-jwt.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const usage = 'usage: npm run token -- --sub <user id> [--scope "<scopes>"] [--admin] [--ttl <seconds>]';

function fail(message: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: { sub: { type: "string" }, scope: { type: "string", default: "" }, admin: { type: "boolean", default: false }, ttl: { type: "string", default: "3600" } },
  }));
} catch (err) {
  fail((err as Error).message);
}
const { sub, scope, admin, ttl } = values;
// The services take the user id from sub (1…2³¹−1); an admin still acts as some user.
if (sub === undefined || !/^[1-9][0-9]{0,9}$/.test(sub) || Number(sub) > 2_147_483_647) fail("--sub must be a user id (1 to 2147483647)");
const ttlSeconds = Number(ttl);
if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > 86_400) fail("--ttl must be 1 to 86400 seconds");
const scopes = scope.split(" ").filter((s) => s !== "");
// The gateway ignores a requested admin scope: --admin sets the claim an identity provider would.
const requested = scopes.filter((s) => s !== "admin");

const dataDir = process.env.DEV_DATA_DIR ?? `${root}.data`;
const secret = devJwtSecret(root, dataDir, false);
if (secret === undefined) fail("no JWT_SECRET: set it, put it in .dev.vars, or start `npm run dev` once (it generates one)");
const placeholder = placeholderSecretReason(secret);
if (placeholder !== undefined) fail(`JWT_SECRET ${placeholder} (or delete it from .dev.vars: \`npm run dev\` generates one)`);
const devVars = readDevVars(`${root}.dev.vars`);
console.log(
  signDevToken({
    secret,
    sub,
    scope: requested.join(" "),
    ...(admin || scopes.includes("admin")
      ? { admin: { claim: process.env.ADMIN_CLAIM || devVars.ADMIN_CLAIM || DEV_ADMIN_CLAIM, value: process.env.ADMIN_CLAIM_VALUE || devVars.ADMIN_CLAIM_VALUE || DEV_ADMIN_CLAIM_VALUE } }
      : {}),
    ttlSeconds,
    issuer: process.env.JWT_ISSUER || devVars.JWT_ISSUER || DEV_JWT_ISSUER,
    audience: process.env.JWT_AUDIENCE || devVars.JWT_AUDIENCE || DEV_JWT_AUDIENCE,
  }),
);
