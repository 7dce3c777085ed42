import { Code, ConnectError } from "@connectrpc/connect";
import { codeToString } from "@connectrpc/connect/protocol-connect";
import { ErrorInfoSchema } from "@grpc-edge/proto/google/rpc/error_details";
import { ERROR_DOMAIN, ErrorReason } from "@grpc-edge/proto/shared-names";
import { GatewayError, type FieldViolation } from "./gateway-error.ts";
import { problemTypeOfCode, problemTypes, problemTypeUri, type ProblemType } from "./problem-types.ts";

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

const maxDetailLength = 300;
const maxViolations = 50;
const maxViolationText = 200;

/** Maps anything thrown while serving a request to the problem the caller sees. */
export function problemFromError(err: unknown): Problem {
  if (err instanceof GatewayError) return problemOf(err.type, err.message, err.headers, err.violations);
  if (err instanceof ConnectError) {
    const reasons = err.findDetails(ErrorInfoSchema).filter((d) => d.domain === ERROR_DOMAIN).map((d) => d.reason);
    // IDEMPOTENCY_KEY_INVALID stays a plain 400: the code says all there is.
    if (reasons.includes(ErrorReason.idempotencyKeyReused)) return problemOf(problemTypes.idempotencyKeyReused);
    if (reasons.includes(ErrorReason.idempotencyKeyInFlight)) return problemOf(problemTypes.idempotencyKeyInFlight);
    if (reasons.includes(ErrorReason.orderQuotaExceeded)) return problemOf(problemTypes.orderQuotaExceeded, err.rawMessage || problemTypes.orderQuotaExceeded.detail);
    if (reasons.includes(ErrorReason.upstreamResponseTooLarge)) return problemOf(problemTypes.upstreamResponseTooLarge);
    const type = problemTypeOfCode(err.code);
    return problemOf(type, type.exposeMessage && err.rawMessage !== "" ? err.rawMessage : type.detail);
  }
  // Anything else is a bug in the gateway: Internal, message hidden.
  return problemOf(problemTypes.internal);
}

function problemOf(type: ProblemType, detail = type.detail, headers: Readonly<Record<string, string>> = {}, violations?: readonly FieldViolation[]): Problem {
  const problem: Problem = {
    status: type.status,
    type: problemTypeUri(type),
    title: type.title,
    detail: truncate(detail, maxDetailLength),
    code: codeToString(type.code),
    headers: { ...type.headers, ...headers },
  };
  if (violations !== undefined && violations.length > 0) {
    // Bounded: a list of 10,000 bad items must not become a megabyte of problem JSON.
    problem.violations = violations.slice(0, maxViolations).map((v) => ({
      field: truncate(v.field, maxViolationText),
      message: truncate(v.message, maxViolationText),
    }));
  }
  return problem;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
