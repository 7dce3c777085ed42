import type { DescMethod } from "@bufbuild/protobuf";
import type { Context } from "hono";
import { anonymousCaller } from "../auth/caller.ts";
import { signServiceToken } from "../auth/service-token.ts";
import type { AppEnv } from "../context/app-env.ts";
import { randomId } from "../tracing/random-id.ts";
import { formatTraceparent } from "../tracing/traceparent.ts";
import { forwardedHeaders } from "../transport/forwarded-headers.ts";
import { connectStreamType, grpcWebType, type RpcProtocol } from "./rpc-protocol.ts";

export interface UpstreamRpcCall {
  method: DescMethod;
  protocol: RpcProtocol;
  /** The caller's request bytes (gRPC-Web text: decoded); undefined: a Connect GET, whose query is sent on as it came. */
  body: Uint8Array | undefined;
  baseUrl: string;
  /** The service-token signing key. */
  key: CryptoKey;
  /** Sent on as the protocol's timeout header; undefined: none (a stream lives as long as the service lets it). */
  deadlineMs: number | undefined;
  signal: AbortSignal;
}

export interface UpstreamRpcRequest {
  target: string;
  init: RequestInit;
  /** The gateway's client span, sent as the traceparent's parent. */
  spanId: string;
  /** "package.Service/Method". */
  rpc: string;
}

/**
 * The request that sends an RPC on in the caller's own protocol and bytes (gRPC-Web text
 * as binary gRPC-Web: the services speak Connect and gRPC-Web themselves), signed with a
 * service token for the caller, with the request id and trace context; nothing else of
 * the caller's headers but the allow-listed ones.
 */
export async function upstreamRpcRequest(c: Context<AppEnv>, call: UpstreamRpcCall): Promise<UpstreamRpcRequest> {
  const { method, protocol, body, baseUrl, key, deadlineMs, signal } = call;
  const caller = c.get("caller") ?? anonymousCaller();
  const trace = c.get("trace");
  const spanId = randomId(8);
  const headers = new Headers(forwardedHeaders(c.req.raw));
  headers.set("authorization", `Bearer ${await signServiceToken(key, caller.sub === undefined ? { scope: caller.scope } : { sub: caller.sub, scope: caller.scope })}`);
  headers.set("x-request-id", c.get("requestId"));
  headers.set("traceparent", formatTraceparent(trace.traceId, spanId, trace.sampled));
  if (trace.tracestate !== undefined) headers.set("tracestate", trace.tracestate);
  headers.set("accept-encoding", "identity");
  const get = protocol.kind === "connect" && protocol.get;
  if (protocol.kind === "grpc-web") {
    headers.set("content-type", grpcWebType(false));
    headers.set("x-grpc-web", "1");
    if (deadlineMs !== undefined) headers.set("grpc-timeout", `${deadlineMs}m`);
  } else {
    if (protocol.stream === true) headers.set("content-type", connectStreamType(protocol.binary));
    else if (!get) headers.set("content-type", protocol.binary ? "application/proto" : "application/json");
    headers.set("connect-protocol-version", "1");
    if (deadlineMs !== undefined) headers.set("connect-timeout-ms", String(deadlineMs));
  }
  const rpc = `${method.parent.typeName}/${method.name}`;
  const target = `${baseUrl.replace(/\/?$/, "")}/${rpc}${get ? new URL(c.req.url).search : ""}`;
  return { target, init: { method: get ? "GET" : "POST", headers, body: body ?? null, redirect: "manual", signal }, spanId, rpc };
}

/** The upstream fetch: through the SERVICES binding when there is one (the private origin), else plain fetch. */
export function fetchUpstream(c: Context<AppEnv>, { target, init }: UpstreamRpcRequest): Promise<Response> {
  const fetcher = c.env?.SERVICES;
  return fetcher !== undefined ? fetcher.fetch(target, init) : fetch(target, init);
}

// What of the service's answer reaches the caller: the protocol's own headers, nothing of the service's host.
const passedResponseHeader = /^(?:content-type|grpc-status|grpc-message|grpc-status-details-bin|trailer-.*|grpc-edge-.*)$/;

/** The headers of a service's answer that go on to the caller. */
export function answerHeaders(res: Response): Headers {
  const out = new Headers();
  res.headers.forEach((value, name) => {
    if (passedResponseHeader.test(name)) out.set(name, value);
  });
  return out;
}
