import type { Interceptor } from "@connectrpc/connect";
import { importServiceTokenKey, signServiceToken, type ServiceTokenClaims } from "./service-token.ts";

/**
 * Client interceptor of the upstream transport: every RPC carries its own
 * service token. `claimsFor` decides who is calling (for now always anonymous;
 * the end user's JWT will fill `sub` later).
 */
export function serviceTokenInterceptor(secret: string, claimsFor: () => ServiceTokenClaims): Interceptor {
  let key: Promise<CryptoKey> | undefined;
  return (next) => async (req) => {
    key ??= importServiceTokenKey(secret);
    req.header.set("authorization", `Bearer ${await signServiceToken(await key, claimsFor())}`);
    return next(req);
  };
}
