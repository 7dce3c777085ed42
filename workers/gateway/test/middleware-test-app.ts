// The least app a middleware's unit test needs: request ids and the gateway's one
// error path (problem+json), as createApp installs them, and nothing else.
import { Hono } from "hono";
import type { AppEnv } from "../src/context/app-env.ts";
import { GatewayError } from "../src/errors/gateway-error.ts";
import { problemTypes } from "../src/errors/problem-types.ts";
import { renderProblem } from "../src/errors/render-problem.ts";
import { requestId } from "../src/middleware/request-id.ts";

export function middlewareTestApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.onError((err, c) => renderProblem(c, err));
  app.notFound((c) => renderProblem(c, new GatewayError(problemTypes.notFound, `no route for ${c.req.method} ${c.req.path}`)));
  app.use(requestId());
  return app;
}
