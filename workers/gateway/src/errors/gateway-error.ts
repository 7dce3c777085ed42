import { problemTypes, type ProblemType } from "./problem-types.ts";

/** One broken rule, addressed in REST naming: "firstName", "userIds[3]", "book.author.name". */
export interface FieldViolation {
  /** The proto3 JSON path of the field; "" for a rule on the whole message. */
  field: string;
  message: string;
}

export interface GatewayErrorOptions {
  /** Response headers beyond the problem type's own (Allow on a 405, a longer Retry-After…). */
  headers?: Record<string, string>;
  /** Invalid input that names its fields: `violations[]` of the problem. */
  violations?: readonly FieldViolation[];
  cause?: unknown;
}

/**
 * The gateway's one error class (as connect-es has ConnectError): a problem type from
 * the catalogue and the detail the caller reads. Not a ConnectError subclass:
 * ConnectError's instanceof accepts any ConnectError for its subclasses too.
 */
export class GatewayError extends Error {
  override name = "GatewayError";
  readonly type: ProblemType;
  readonly headers: Readonly<Record<string, string>>;
  readonly violations: readonly FieldViolation[] | undefined;

  constructor(type: ProblemType, detail: string = type.detail, options: GatewayErrorOptions = {}) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.type = type;
    this.headers = options.headers ?? {};
    this.violations = options.violations;
  }
}

/**
 * 401 with an RFC 6750 challenge. The detail is the same for every bad token (malformed,
 * wrong signature, expired, wrong issuer…): which check failed helps an attacker only.
 */
export function unauthenticated(reason: "missing" | "invalid"): GatewayError {
  if (reason === "missing") return new GatewayError(problemTypes.unauthenticated, "This request needs a bearer token.");
  return new GatewayError(problemTypes.unauthenticated, "The bearer token is invalid or expired.", {
    headers: { "WWW-Authenticate": 'Bearer realm="grpc-edge", error="invalid_token"' },
  });
}

/** A known path asked with a method it does not serve: 405 with Allow. */
export function methodNotAllowed(method: string, allow: readonly string[]): GatewayError {
  return new GatewayError(problemTypes.methodNotAllowed, `${method} is not allowed here; use ${allow.join(" or ")}`, {
    headers: { Allow: allow.join(", ") },
  });
}

/** Invalid input: a 400 whose detail lists the violations for humans, `violations[]` for programs. */
export function invalidInput(violations: readonly FieldViolation[]): GatewayError {
  const detail = violations.map((v) => (v.field === "" ? v.message : `${v.field}: ${v.message}`)).join("; ");
  return new GatewayError(problemTypes.invalidArgument, detail, { violations });
}

/**
 * The Worker's environment is unusable. The message names the setting and the rule it
 * breaks, never the value (it may hold a credential), so it is safe to show callers.
 */
export function configError(message: string): GatewayError {
  return new GatewayError(problemTypes.gatewayMisconfigured, message);
}

export function isConfigError(err: unknown): err is GatewayError {
  return err instanceof GatewayError && err.type === problemTypes.gatewayMisconfigured;
}
