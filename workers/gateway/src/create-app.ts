import { createClient, type Transport } from "@connectrpc/connect";
import { UserService } from "@grpc-edge/proto/user/v1";
import type { Hono } from "hono";
import { createBaseApp } from "./create-base-app.ts";
import type { AccessLog } from "./http/access-log.ts";
import type { AppEnv } from "./http/app-env.ts";
import { methodNotAllowed } from "./http/method-not-allowed.ts";
import { userRoutes } from "./routes/user-routes.ts";

export interface AppOptions {
  /** How to reach the user service: fetch-based in workerd, in-memory in unit tests. */
  transport: Transport;
  /** Deadline of every upstream call. */
  timeoutMs: number;
  log?: AccessLog;
}

/** The gateway's Hono app; all dependencies come in, so it runs the same in tests and workerd. */
export function createApp({ transport, timeoutMs, log }: AppOptions): Hono<AppEnv> {
  const app = createBaseApp(log);

  // Liveness of the Worker itself: no upstream call.
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.all("/healthz", methodNotAllowed(["GET", "HEAD"]));

  userRoutes(app, { users: createClient(UserService, transport), timeoutMs });
  return app;
}
