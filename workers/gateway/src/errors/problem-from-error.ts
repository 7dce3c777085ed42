import { Code, ConnectError } from "@connectrpc/connect";
import { codeToString } from "@connectrpc/connect/protocol-connect";
import { ConfigError } from "./config-error.ts";
import { MethodNotAllowedError } from "./method-not-allowed-error.ts";
import { problemByCode } from "./problem-by-code.ts";

/** Everything needed to answer with RFC 9457 problem JSON, minus the request id. */
export interface Problem {
  status: number;
  type: string;
  title: string;
  detail: string;
  /** Connect code string, e.g. "not_found": one vocabulary for REST and RPC callers. */
  code: string;
  headers: Record<string, string>;
}

const typeBase = "https://grpc-edge.dev/problems/";
const maxDetailLength = 300;

/** Maps anything thrown while serving a request to the problem the caller sees. */
export function problemFromError(err: unknown): Problem {
  if (err instanceof MethodNotAllowedError) {
    return {
      status: 405,
      type: typeBase + "method-not-allowed",
      title: "Method not allowed",
      detail: err.message,
      code: codeToString(Code.Unimplemented),
      headers: { Allow: err.allow.join(", ") },
    };
  }
  if (err instanceof ConfigError) {
    return {
      status: 500,
      type: typeBase + "gateway-misconfigured",
      title: "Gateway misconfigured",
      detail: err.message,
      code: codeToString(Code.Internal),
      headers: {},
    };
  }
  // Anything that is not a ConnectError is a bug in the gateway: Internal, message hidden.
  const code = err instanceof ConnectError ? err.code : Code.Internal;
  const spec = problemByCode[code];
  const message = err instanceof ConnectError ? err.rawMessage : "";
  const headers: Record<string, string> = {};
  if (spec.retryAfter !== undefined) headers["Retry-After"] = String(spec.retryAfter);
  return {
    status: spec.status,
    type: typeBase + codeToString(code).replaceAll("_", "-"),
    title: spec.title,
    detail: spec.exposeMessage && message !== "" ? message.slice(0, maxDetailLength) : spec.detail,
    code: codeToString(code),
    headers,
  };
}
