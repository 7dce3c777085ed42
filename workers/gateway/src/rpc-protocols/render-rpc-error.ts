import { Code } from "@connectrpc/connect";
import { codeFromString, codeToHttpStatus, codeToString } from "@connectrpc/connect/protocol-connect";
import type { Context } from "hono";
import type { AppEnv } from "../context/app-env.ts";
import { problemFromError } from "../errors/problem-from-error.ts";
import { encodeEnvelope, endStreamFlag } from "../streaming/connect-envelopes.ts";
import { connectStreamType, grpcWebType, rpcProtocolOf, type RpcProtocol } from "./rpc-protocol.ts";

/**
 * An error at an RPC path, in the caller's protocol: Connect's error JSON with the code's
 * HTTP status, Connect streaming's end-of-stream message (HTTP 200: its clients read the
 * code from there, not from the status), or a gRPC-Web "trailers-only" answer (HTTP 200, Grpc-Status and
 * Grpc-Message headers, no body). Same code, message and headers (Retry-After,
 * WWW-Authenticate) as the problem+json a REST caller gets for the same failure.
 */
export function renderRpcError(c: Context<AppEnv>, err: unknown): Response {
  const problem = problemFromError(err);
  if (problem.status >= 500) c.set("errorCause", err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  const code = codeFromString(problem.code) ?? Code.Unknown;
  return rpcErrorResponse(rpcProtocolOf(c.req.raw), code, problem.detail, { ...problem.headers, "X-Request-Id": c.get("requestId") });
}

/** The protocol's error answer for a code and a message meant for the caller. */
export function rpcErrorResponse(protocol: RpcProtocol, code: Code, message: string, headers: Record<string, string> = {}): Response {
  if (protocol.kind === "grpc-web") {
    return new Response(null, {
      status: 200,
      headers: {
        ...headers,
        "Content-Type": grpcWebType(protocol.text),
        "Grpc-Status": String(code),
        "Grpc-Message": encodeURIComponent(message),
      },
    });
  }
  const error = { code: codeToString(code), message };
  if (protocol.stream === true) {
    // The edge's headers (Retry-After, WWW-Authenticate) stay headers: clients merge them into the error's metadata.
    const end = new TextEncoder().encode(JSON.stringify({ error }));
    return new Response(encodeEnvelope(endStreamFlag, end), { status: 200, headers: { ...headers, "Content-Type": connectStreamType(protocol.binary) } });
  }
  return new Response(JSON.stringify(error), {
    status: codeToHttpStatus(code),
    headers: { ...headers, "Content-Type": "application/json" },
  });
}
