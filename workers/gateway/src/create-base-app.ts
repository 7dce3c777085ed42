import { Hono } from "hono";
import { GatewayError } from "./errors/gateway-error.ts";
import { problemTypes } from "./errors/problem-types.ts";
import { renderProblem } from "./errors/render-problem.ts";
import { accessLog, consoleAccessLog, type AccessLog } from "./http/access-log.ts";
import type { AppEnv } from "./http/app-env.ts";
import { requestId } from "./http/request-id.ts";
import { securityHeaders } from "./middleware/security-headers/security-headers.ts";
import { serverTiming } from "./http/server-timing.ts";
import { traceContext } from "./http/trace-context.ts";
import type { SpanExporter } from "./tracing/gateway-span.ts";

/**
 * What every gateway app shares: request ids, trace context, Server-Timing, the access
 * log, security headers and the one error path.
 */
export function createBaseApp(log: AccessLog = consoleAccessLog, traceExporter?: SpanExporter): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(requestId());
  app.use(traceContext(traceExporter));
  app.use(serverTiming());
  app.use(accessLog(log));
  app.use(securityHeaders());
  app.notFound((c) =>
    renderProblem(c, new GatewayError(problemTypes.notFound, `no route for ${c.req.method} ${c.req.path}`)),
  );
  app.onError((err, c) => renderProblem(c, err));
  return app;
}
