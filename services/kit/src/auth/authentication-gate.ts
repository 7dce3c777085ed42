import { Code, ConnectError, type HandlerContext } from "@connectrpc/connect";
import { callerKey } from "./caller.ts";
import { serviceTokenKey } from "./service-token.ts";
import { serviceTokenCache } from "./service-token-cache.ts";

/** Services anyone may call: probes (grpc_health_probe, ECS, Kubernetes) carry no token. */
const OPEN_SERVICES = new Set(["grpc.health.v1.Health"]);
const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

/**
 * connect's request gate: runs for gRPC, gRPC-Web and Connect alike once the
 * headers are in, before the body is read, so an unauthenticated caller costs
 * no parsing. Puts the verified caller into the context (see `callerOf`).
 */
export function authenticationGate(secret: string): (ctx: HandlerContext) => Promise<void> {
  const verify = serviceTokenCache(serviceTokenKey(secret));
  return async (ctx) => {
    if (OPEN_SERVICES.has(ctx.service.typeName)) return;
    const header = ctx.requestHeader.get("authorization");
    if (header === null || header === "") throw new ConnectError("missing service token", Code.Unauthenticated);
    const match = BEARER.exec(header);
    if (!match) throw new ConnectError("invalid service token", Code.Unauthenticated);
    // A fresh audit record per call: the verified caller itself may be shared by many calls.
    ctx.values.set(callerKey, { ...(await verify(match[1]!)), authz: {} });
  };
}
