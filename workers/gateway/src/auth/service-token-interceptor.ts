import type { Interceptor } from "@connectrpc/connect";
import { callerKey } from "./caller.ts";
import { importServiceTokenKey, SERVICE_TOKEN_TTL_S, signServiceToken, type ServiceTokenClaims } from "./service-token.ts";

/** Most callers whose token one isolate keeps for reuse (the oldest is dropped first). */
const MAX_REUSED_TOKENS = 1024;

/**
 * Client interceptor of the upstream transport: every RPC carries a service token signed
 * for the caller the edge authenticated (the `callerKey` context value the transcoding
 * handler passes; anonymous without one). A caller's token is reused while at least half
 * its lifetime is left — the same claims, signed once instead of per request (and the
 * services remember a token they verified) — so a token reaching a service has ≥ 15 s left.
 */
export function serviceTokenInterceptor(secret: string, now: () => number = Date.now): Interceptor {
  let key: Promise<CryptoKey> | undefined;
  const reusable = new Map<string, { token: string; renewAtMs: number }>();
  return (next) => async (req) => {
    key ??= importServiceTokenKey(secret);
    const { sub, scope, userJti } = req.contextValues.get(callerKey);
    // The end user's jti too: the services log it (user_jti), so a token is reused per user token.
    const claims: ServiceTokenClaims = { ...(sub === undefined ? {} : { sub }), scope, ...(userJti === undefined ? {} : { userJti }) };
    const id = JSON.stringify(claims);
    let held = reusable.get(id);
    if (held === undefined || now() >= held.renewAtMs) {
      const signedAt = now();
      held = { token: await signServiceToken(await key, claims, signedAt), renewAtMs: signedAt + (SERVICE_TOKEN_TTL_S * 1000) / 2 };
      reusable.delete(id);
      if (reusable.size >= MAX_REUSED_TOKENS) reusable.delete(reusable.keys().next().value!);
      reusable.set(id, held);
    }
    req.header.set("authorization", `Bearer ${held.token}`);
    return next(req);
  };
}
