import type { Interceptor } from "@connectrpc/connect";
import { callerKey } from "./caller.ts";
import { importServiceTokenKey, signServiceToken } from "./service-token.ts";

/**
 * Client interceptor of the upstream transport: every RPC carries its own service
 * token, signed for the caller the edge authenticated (the `callerKey` context value
 * the transcoding handler passes; anonymous without one).
 */
export function serviceTokenInterceptor(secret: string): Interceptor {
  let key: Promise<CryptoKey> | undefined;
  return (next) => async (req) => {
    key ??= importServiceTokenKey(secret);
    const { sub, scope, userJti } = req.contextValues.get(callerKey);
    const claims = { scope, ...(sub === undefined ? {} : { sub }), ...(userJti === undefined ? {} : { userJti }) };
    req.header.set("authorization", `Bearer ${await signServiceToken(await key, claims)}`);
    return next(req);
  };
}
