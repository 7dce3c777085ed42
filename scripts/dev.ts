// `npm run dev`: the three tiers on a laptop. Starts the order service, the user
// service (both on embedded PGlite, migrated and seeded on first run) and the
// gateway under `wrangler dev`, then stops them all cleanly on Ctrl-C.
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { buildDocsAssets } from "./build-docs-assets.ts";
import { DEV_JWT_AUDIENCE, DEV_JWT_ISSUER, devJwtSecret } from "./dev/dev-jwt.ts";
import { startChild, waitUntilReady, type Child } from "./dev/child-process.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const ports = { order: port("ORDER_PORT", 50052), user: port("USER_PORT", 50051), gateway: port("GATEWAY_PORT", 8787) };
// Both services on one machine: each its own metrics port (in a container both use 9464).
const metricsPorts = { order: port("ORDER_METRICS_PORT", 9465), user: port("USER_METRICS_PORT", 9464) };
const dataDir = process.env.DEV_DATA_DIR ?? `${root}.data`;
// One secret for the three tiers: yours, or a fresh random one per run (tokens live 30 s anyway).
const serviceTokenSecret = process.env.SERVICE_TOKEN_SECRET || randomBytes(32).toString("base64url");
// End-user tokens (HS256): yours, or one generated once and kept in the data folder, so
// `npm run token` in another terminal signs with the same key.
const jwtSecret = devJwtSecret(root, dataDir, true)!;
const common = {
  ...process.env,
  SEED_DEMO_DATA: "true",
  LOG_LEVEL: process.env.LOG_LEVEL ?? "info",
  HOST: "127.0.0.1",
  SERVICE_TOKEN_SECRET: serviceTokenSecret,
};

const children: Child[] = [];
let stopping = false;

async function stopAll(exitCode: number): Promise<never> {
  stopping = true;
  // Front to back, so no tier is left calling one that is already gone.
  for (const child of [...children].reverse()) {
    if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill("SIGTERM");
    const timer = setTimeout(() => child.process.kill("SIGKILL"), 15_000);
    await child.exited;
    clearTimeout(timer);
  }
  process.exit(exitCode);
}

process.on("SIGINT", () => void stopAll(0));
process.on("SIGTERM", () => void stopAll(0));
// Last resort if the runner dies some other way: leave no orphaned tier behind.
process.on("exit", () => children.forEach((child) => child.process.kill("SIGKILL")));

function watch(child: Child): Child {
  children.push(child);
  child.exited.then((code) => {
    if (stopping) return;
    console.error(`\n${child.name} stopped unexpectedly (${code}); stopping the others.`);
    void stopAll(1);
  });
  return child;
}

try {
  const order = watch(
    startChild("order", process.execPath, [`${root}services/order/src/main.ts`], { ...common, PORT: String(ports.order), METRICS_PORT: String(metricsPorts.order), PGLITE_DATA_DIR: `${dataDir}/order-service` }, 0),
  );
  await waitUntilReady(order, `http://127.0.0.1:${ports.order}/readyz`, 60_000);
  const user = watch(
    startChild("user", process.execPath, [`${root}services/user/src/main.ts`], {
      ...common,
      PORT: String(ports.user),
      METRICS_PORT: String(metricsPorts.user),
      PGLITE_DATA_DIR: `${dataDir}/user-service`,
      ORDER_SERVICE_URL: `http://127.0.0.1:${ports.order}`,
    }, 1),
  );
  await waitUntilReady(user, `http://127.0.0.1:${ports.user}/readyz`, 60_000);
  buildDocsAssets(); // wrangler.toml's [assets] folder (the /docs page) must exist before wrangler starts
  const gateway = watch(
    startChild("gateway", process.execPath, [
      `${root}node_modules/wrangler/bin/wrangler.js`, "dev",
      "--config", `${root}wrangler.toml`,
      "--ip", "127.0.0.1",
      "--port", String(ports.gateway),
      "--var", `USER_SERVICE_URL:http://127.0.0.1:${ports.user}`,
      "--var", `ORDER_SERVICE_URL:http://127.0.0.1:${ports.order}`,
      // Open reads for the demo; wrangler.toml keeps them off for `wrangler deploy`.
      "--var", "PUBLIC_READS:true",
      // A throwaway secret on a laptop: visible in `ps`, which is fine for dev only.
      "--var", `SERVICE_TOKEN_SECRET:${serviceTokenSecret}`,
      "--var", `JWT_SECRET:${jwtSecret}`,
      "--var", `JWT_ISSUER:${process.env.JWT_ISSUER || DEV_JWT_ISSUER}`,
      "--var", `JWT_AUDIENCE:${process.env.JWT_AUDIENCE || DEV_JWT_AUDIENCE}`,
      "--show-interactive-dev-session=false",
    ], { ...process.env, WRANGLER_SEND_METRICS: "false" }, 2),
  );
  await waitUntilReady(gateway, `http://127.0.0.1:${ports.gateway}/healthz`, 90_000);
  const base = `http://localhost:${ports.gateway}`;
  console.log(`
grpc-edge is running (Ctrl-C stops everything):
  gateway (REST)   ${base}            e.g. curl ${base}/api/users
                                                 curl ${base}/api/users/1
  API docs         ${base}/docs/           Swagger UI over ${base}/openapi.json
  writes           need a token: TOKEN=$(npm run -s token -- --sub 1 --admin)
                   curl -X POST ${base}/api/users/1/orders -H "Authorization: Bearer $TOKEN" \\
                        -H 'content-type: application/json' -d '{"itemId":4,"amount":1}'
  user service     http://127.0.0.1:${ports.user}   gRPC (h2c) + Connect/gRPC-Web (HTTP/1.1)
  order service    http://127.0.0.1:${ports.order}   gRPC (h2c) + Connect/gRPC-Web (HTTP/1.1)
  data             ${dataDir} (delete it to start from the demo data again)
`);
} catch (error) {
  console.error(`\n${(error as Error).message}`);
  await stopAll(1);
}
