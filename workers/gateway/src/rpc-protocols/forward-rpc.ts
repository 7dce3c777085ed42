import type { DescMethod } from "@bufbuild/protobuf";
import { base64Encode } from "@bufbuild/protobuf/wire";
import { Code } from "@connectrpc/connect";
import { codeFromHttpStatus, codeToString } from "@connectrpc/connect/protocol-connect";
import type { Context } from "hono";
import { anonymousCaller } from "../auth/caller.ts";
import { importServiceTokenKey } from "../auth/service-token.ts";
import type { AppEnv } from "../context/app-env.ts";
import { unauthenticated } from "../errors/gateway-error.ts";
import { grpcWebTrailerStatus } from "../streaming/grpc-web-trailer.ts";
import { rpcErrorResponse } from "./render-rpc-error.ts";
import { grpcWebType, type RpcProtocol } from "./rpc-protocol.ts";
import { rpcDeadlineMs } from "./rpc-deadline.ts";
import { answerHeaders, fetchUpstream, upstreamRpcRequest } from "./upstream-rpc-request.ts";

export interface RpcForwarderOptions {
  /** Base URL of the service the routing table picks for a method (routing/upstream-routes.ts). */
  baseUrlOf: (method: DescMethod) => string;
  serviceTokenSecret: string;
  /** UPSTREAM_TIMEOUT_MS: the longest deadline sent on, whatever the caller asks for. */
  upstreamTimeoutMs: number;
}

export interface ForwardedRpc {
  method: DescMethod;
  protocol: RpcProtocol;
  /** The caller's request bytes (undefined: a Connect GET, whose query is sent on as it came). */
  body: Uint8Array | undefined;
}

export type RpcForwarder = (c: Context<AppEnv>, rpc: ForwardedRpc) => Promise<Response>;

/**
 * Sends a decoded, validated and authorized RPC on in the caller's own protocol and
 * bytes, signed with a service token for the caller, with the caller's deadline capped
 * at UPSTREAM_TIMEOUT_MS, and streams the service's answer back unchanged (gRPC-Web
 * text: base64 of it). The services speak Connect and gRPC-Web themselves
 * (services/kit's dual-protocol server), so nothing is re-encoded.
 */
export function createRpcForwarder({ baseUrlOf, serviceTokenSecret, upstreamTimeoutMs }: RpcForwarderOptions): RpcForwarder {
  let key: Promise<CryptoKey> | undefined;
  return async (c, { method, protocol, body }) => {
    key ??= importServiceTokenKey(serviceTokenSecret);
    const caller = c.get("caller") ?? anonymousCaller();
    const deadlineMs = rpcDeadlineMs(c.req.raw.headers, protocol, upstreamTimeoutMs);
    // The caller going away cancels the call; a service that outlives the deadline is cut a little after it.
    const signal = AbortSignal.any([c.req.raw.signal, AbortSignal.timeout(deadlineMs + 250)]);
    const upstream = await upstreamRpcRequest(c, { method, protocol, body, baseUrl: baseUrlOf(method), key: await key, deadlineMs, signal });
    const startMs = Date.now();
    const record = (code: Code | "ok") =>
      c.set("upstream", { rpc: upstream.rpc, route: new URL(c.req.url).pathname, spanId: upstream.spanId, startMs, endMs: Date.now(), code: code === "ok" ? "ok" : codeToString(code) });
    let res: Response;
    try {
      res = await fetchUpstream(c, upstream);
    } catch {
      const code = signal.aborted && !c.req.raw.signal.aborted ? Code.DeadlineExceeded : Code.Unavailable;
      record(code);
      return rpcErrorResponse(protocol, code, code === Code.DeadlineExceeded ? "An upstream service did not answer in time." : "An upstream service is unavailable; retry shortly.", { "X-Request-Id": c.get("requestId") });
    }
    // gRPC-Web carries the status in a trailer frame after the message: read whole (a
    // unary answer is one message) so that the access log records it, text mode
    // re-encodes it, and an anonymous caller's PERMISSION_DENIED becomes UNAUTHENTICATED below.
    const buffered = protocol.kind === "grpc-web" ? new Uint8Array(await res.arrayBuffer()) : undefined;
    const code = answeredCode(res, protocol, buffered);
    record(code);
    // Forbidden to nobody in particular: signing in may help (as REST's 401 with a challenge).
    if (code === Code.PermissionDenied && !caller.authenticated) {
      await res.body?.cancel().catch(() => {});
      throw unauthenticated("missing");
    }
    const out = answerHeaders(res);
    if (protocol.kind === "grpc-web" && protocol.text) {
      out.set("content-type", grpcWebType(true));
      return new Response(base64Encode(buffered!), { status: res.status, headers: out });
    }
    return new Response(buffered ?? res.body, { status: res.status, headers: out });
  };
}

/** The answer's code: from its head, or a gRPC-Web body's trailer frame. */
function answeredCode(res: Response, protocol: RpcProtocol, buffered: Uint8Array | undefined): Code | "ok" {
  if (protocol.kind === "grpc-web") {
    const fromTrailer = buffered === undefined ? undefined : grpcWebTrailerStatus(buffered);
    const status = fromTrailer ?? Number(res.headers.get("grpc-status") ?? (res.status === 200 ? "0" : NaN));
    if (Number.isNaN(status)) return codeFromHttpStatus(res.status);
    return status === 0 ? "ok" : (status as Code);
  }
  return res.status === 200 ? "ok" : codeFromHttpStatus(res.status);
}
