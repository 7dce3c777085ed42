import { Code, ConnectError, type HandlerContext } from "@connectrpc/connect";
import { SignJWT } from "jose";
import { callerKey, type Caller } from "./caller.ts";
import { peerAddressKey } from "./peer-address.ts";
import { SERVICE_TOKEN_AUDIENCE, SERVICE_TOKEN_ISSUER, SERVICE_TOKEN_MAX_TTL_S, serviceTokenKey } from "./service-token.ts";
import { serviceTokenCache } from "./service-token-cache.ts";
import { trustedNetworkOf, type TrustedNetwork } from "./trusted-callers.ts";

/** Services anyone may call: probes (grpc_health_probe, ECS, Kubernetes) carry no token. */
const OPEN_SERVICES = new Set(["grpc.health.v1.Health"]);
const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

/**
 * connect's request gate: runs for gRPC, gRPC-Web and Connect alike once the
 * headers are in, before the body is read, so an unauthenticated caller costs
 * no parsing. Puts the verified caller into the context (see `callerOf`).
 *
 * `trusted` (TRUSTED_CALLERS, off by default) lets callers that send no token at all
 * in by their TCP peer address, with the scopes of their network; a request that
 * carries a token is judged by its token alone.
 */
export function authenticationGate(secret: string, trusted: readonly TrustedNetwork[] = []): (ctx: HandlerContext) => Promise<void> {
  const key = serviceTokenKey(secret);
  const verify = serviceTokenCache(key);
  const onwardToken = onwardTokens(key);
  return async (ctx) => {
    if (OPEN_SERVICES.has(ctx.service.typeName)) return;
    const header = ctx.requestHeader.get("authorization");
    if (header === null || header === "") {
      const peer = ctx.values.get(peerAddressKey);
      const network = trustedNetworkOf(trusted, peer);
      if (network === undefined) throw new ConnectError("missing service token", Code.Unauthenticated);
      const caller: Caller = { userId: undefined, scopes: new Set(network.scopes), token: await onwardToken(network), userTokenId: undefined, trustedPeer: peer, authz: {} };
      ctx.values.set(callerKey, caller);
      return;
    }
    const match = BEARER.exec(header);
    if (!match) throw new ConnectError("invalid service token", Code.Unauthenticated);
    // A fresh audit record per call: the verified caller itself may be shared by many calls.
    ctx.values.set(callerKey, { ...(await verify(match[1]!)), authz: {} });
  };
}

/**
 * The service token a trusted caller's onward calls carry (the next service accepts
 * nothing else): signed here for the network's scopes, reused while it has at least
 * half its life left.
 */
function onwardTokens(key: Uint8Array): (network: TrustedNetwork) => Promise<string> {
  const minted = new Map<TrustedNetwork, { token: string; renewAtMs: number }>();
  return async (network) => {
    const held = minted.get(network);
    if (held !== undefined && Date.now() < held.renewAtMs) return held.token;
    const iat = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ scope: network.scopes.join(" ") })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setIssuer(SERVICE_TOKEN_ISSUER)
      .setAudience(SERVICE_TOKEN_AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(iat + SERVICE_TOKEN_MAX_TTL_S)
      .setJti(crypto.randomUUID())
      .sign(key);
    minted.set(network, { token, renewAtMs: (iat + SERVICE_TOKEN_MAX_TTL_S / 2) * 1000 });
    return token;
  };
}
