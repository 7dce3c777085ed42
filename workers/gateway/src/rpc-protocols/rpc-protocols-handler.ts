import type { DescMethod } from "@bufbuild/protobuf";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../context/app-env.ts";
import { GatewayError, invalidInput, methodNotAllowed } from "../errors/gateway-error.ts";
import { problemTypes } from "../errors/problem-types.ts";
import type { HttpBinding } from "../transcoding/http-bindings.ts";
import { pathToJson, validateMessage } from "../validation/index.ts";
import { decodeRpcRequest } from "./decode-rpc-request.ts";
import type { RpcForwarder } from "./forward-rpc.ts";
import { restPathOf } from "./rest-path-of.ts";
import { isRpcCall, isSupportedRequestType, rpcPathOf, rpcProtocolOf } from "./rpc-protocol.ts";
import { writtenAnswer } from "./written-answer.ts";

export interface PublicRpc {
  method: DescMethod & { methodKind: "unary" };
  /** Published as a REST GET: anonymous callers may make it (as the GET), Connect GET may carry it. */
  read: boolean;
  /** Its REST form (the rule itself, not an additional binding): what a write invalidates in the edge cache. */
  binding: HttpBinding;
}

/** The unary RPCs with a REST binding, by "package.Service/Method": the only ones reachable at the edge. */
export function publicRpcs(bindings: readonly HttpBinding[]): Map<string, PublicRpc> {
  const rpcs = new Map<string, PublicRpc>();
  for (const binding of bindings) {
    const { method, httpMethod } = binding;
    if (method.methodKind !== "unary") continue;
    const path = `${method.parent.typeName}/${method.name}`;
    const known = rpcs.get(path);
    rpcs.set(path, { method, read: (known?.read ?? false) || httpMethod === "GET", binding: known?.binding ?? binding });
  }
  return rpcs;
}

export interface PublicStreamRpc {
  method: DescMethod;
  /** Published as a REST GET: anonymous callers may open it, as the GET. */
  read: boolean;
}

/** The server-streaming RPCs with a REST binding (httpBindings(services, "server_streaming")), by "package.Service/Method". */
export function publicStreamRpcs(streamBindings: readonly HttpBinding[]): Map<string, PublicStreamRpc> {
  const streams = new Map<string, PublicStreamRpc>();
  for (const { method, httpMethod } of streamBindings) {
    const path = `${method.parent.typeName}/${method.name}`;
    streams.set(path, { method: method as DescMethod, read: (streams.get(path)?.read ?? false) || httpMethod === "GET" });
  }
  return streams;
}

/**
 * Marks a request to a read RPC before authentication, which lets anonymous callers
 * make reads only: the same rule as REST, where it goes by the HTTP method (a stream
 * published as a REST GET is a read too).
 */
export function markRpcReads(rpcs: ReadonlyMap<string, PublicRpc | PublicStreamRpc>): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const path = rpcPathOf(c.req.path);
    if (path !== undefined && rpcs.get(path)?.read === true) c.set("rpcRead", true);
    await next();
  };
}

export interface RpcProtocolsOptions {
  rpcs: ReadonlyMap<string, PublicRpc>;
  /** The contract's services ("package.Service"): an RPC path naming one is an RPC call even when it is not public. */
  services: ReadonlySet<string>;
  forward: RpcForwarder;
  maxBodyBytes?: number;
}

/**
 * Connect and gRPC-Web at the RPC paths of the public RPCs: decode, validate (no
 * upstream call for what the contract rejects), forward the caller's bytes. Runs after
 * the whole middleware chain (authentication, rate limit, edge cache); any other path
 * goes on to REST. Unknown and internal RPCs alike are not_found.
 */
export function rpcProtocolsHandler({ rpcs, services, forward, maxBodyBytes }: RpcProtocolsOptions): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const path = rpcPathOf(c.req.path);
    if (path === undefined) return next();
    const rpc = rpcs.get(path);
    if (rpc === undefined) {
      if (!isRpcCall(c.req.raw, path, services)) return next();
      throw new GatewayError(problemTypes.notFound, `no RPC ${path}`);
    }
    const protocol = rpcProtocolOf(c.req.raw);
    const allow = protocol.kind === "connect" && rpc.read ? ["POST", "GET"] : ["POST"];
    if (!allow.includes(c.req.method)) throw methodNotAllowed(c.req.method, allow);
    if (!isSupportedRequestType(c.req.raw, protocol)) {
      throw new GatewayError(problemTypes.unsupportedMediaType, "use application/json or application/proto (Connect), or application/grpc-web[-text][+proto]");
    }
    const { message, body } = await decodeRpcRequest(c.req.raw, rpc.method.input, protocol, maxBodyBytes);
    const violations = validateMessage(rpc.method.input, message);
    if (violations.length > 0) throw invalidInput(violations.map((v) => ({ field: pathToJson(v.path), message: v.message })));
    if (rpc.read) return forward(c, { method: rpc.method, protocol, body });
    c.set("rpcWrite", { path: restPathOf(rpc.binding, message), answer: undefined });
    const { response, answer } = await writtenAnswer(await forward(c, { method: rpc.method, protocol, body }), rpc.method.output, protocol);
    c.set("rpcWrite", { path: restPathOf(rpc.binding, message), answer });
    return response;
  };
}
