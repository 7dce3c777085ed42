import { Code, ConnectError } from "@connectrpc/connect";
import { codeToString } from "@connectrpc/connect/protocol-connect";
import { ConfigError } from "./config-error.ts";
import { bearerChallenge } from "./bearer-challenge.ts";
import { HttpError } from "./http-error.ts";
import { idempotencyProblemOf } from "./idempotency-problem.ts";
import { MethodNotAllowedError } from "./method-not-allowed-error.ts";
import { problemByCode } from "./problem-by-code.ts";
import { ViolationsError, type FieldViolation } from "./violations-error.ts";

/** Everything needed to answer with RFC 9457 problem JSON, minus the request id. */
export interface Problem {
  status: number;
  type: string;
  title: string;
  detail: string;
  /** Connect code string, e.g. "not_found": one vocabulary for REST and RPC callers. */
  code: string;
  headers: Record<string, string>;
  /** Only for invalid input that names its fields. */
  violations?: readonly FieldViolation[];
}

export const problemTypeBase = "https://grpc-edge.dev/problems/";
const maxDetailLength = 300;
const maxViolations = 50;
const maxViolationText = 200;

/** Maps anything thrown while serving a request to the problem the caller sees. */
export function problemFromError(err: unknown): Problem {
  if (err instanceof MethodNotAllowedError) {
    return {
      status: 405,
      type: problemTypeBase + "method-not-allowed",
      title: "Method not allowed",
      detail: err.message,
      code: codeToString(Code.Unimplemented),
      headers: { Allow: err.allow.join(", ") },
    };
  }
  if (err instanceof HttpError) {
    return {
      status: err.status,
      type: problemTypeBase + err.slug,
      title: err.title,
      detail: err.message.slice(0, maxDetailLength),
      code: codeToString(err.code),
      headers: { ...err.headers },
    };
  }
  if (err instanceof ConnectError) {
    const idempotency = idempotencyProblemOf(err);
    if (idempotency !== undefined) {
      return {
        status: idempotency.status,
        type: problemTypeBase + idempotency.slug,
        title: idempotency.title,
        detail: idempotency.detail,
        code: codeToString(err.code),
        headers: idempotency.retryAfter === undefined ? {} : { "Retry-After": String(idempotency.retryAfter) },
      };
    }
  }
  if (err instanceof ConfigError) {
    return {
      status: 500,
      type: problemTypeBase + "gateway-misconfigured",
      title: "Gateway misconfigured",
      detail: err.message,
      code: codeToString(Code.Internal),
      headers: {},
    };
  }
  // Anything else that is not a ConnectError is a bug in the gateway: Internal, message hidden.
  const violations = err instanceof ViolationsError ? err : undefined;
  const thrown = violations !== undefined ? Code.InvalidArgument : err instanceof ConnectError ? err.code : Code.Internal;
  // A number outside the Code enum (a newer peer) is treated as UNKNOWN.
  const code = thrown in problemByCode ? thrown : Code.Unknown;
  const spec = problemByCode[code];
  const message = violations !== undefined ? violations.message : err instanceof ConnectError ? err.rawMessage : "";
  const headers: Record<string, string> = {};
  if (spec.retryAfter !== undefined) headers["Retry-After"] = String(spec.retryAfter);
  // RFC 9110 §15.5.2: a 401 carries a challenge.
  if (spec.status === 401) headers["WWW-Authenticate"] = bearerChallenge();
  const problem: Problem = {
    status: spec.status,
    type: problemTypeBase + codeToString(code).replaceAll("_", "-"),
    title: spec.title,
    detail: spec.exposeMessage && message !== "" ? truncate(message, maxDetailLength) : spec.detail,
    code: codeToString(code),
    headers,
  };
  if (violations !== undefined && violations.violations.length > 0) {
    // Bounded: a list of 10,000 bad items must not become a megabyte of problem JSON.
    problem.violations = violations.violations.slice(0, maxViolations).map((v) => ({
      field: truncate(v.field, maxViolationText),
      message: truncate(v.message, maxViolationText),
    }));
  }
  return problem;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
