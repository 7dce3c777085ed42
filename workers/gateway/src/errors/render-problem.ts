import type { Context } from "hono";
import type { AppEnv } from "../context/app-env.ts";
import { problemFromError } from "./problem-from-error.ts";

/** The single place an error becomes a response: application/problem+json, never HTML. */
export function renderProblem(c: Context<AppEnv>, err: unknown): Response {
  const problem = problemFromError(err);
  const requestId = c.get("requestId");
  if (problem.status >= 500) {
    // Kept for the access log line only; the body must not carry internals.
    c.set("errorCause", describe(err));
  }
  const body: Record<string, unknown> = {
    type: problem.type,
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    code: problem.code,
    requestId,
  };
  if (problem.violations !== undefined) body.violations = problem.violations;
  return new Response(JSON.stringify(body), {
    status: problem.status,
    headers: { ...problem.headers, "Content-Type": "application/problem+json" },
  });
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? ` (cause: ${err.cause.name}: ${err.cause.message})` : "";
  return `${err.name}: ${err.message}${cause}`;
}
