import type { Interceptor } from "@connectrpc/connect";
import { mintServiceToken, type MintOptions } from "./mint-service-token.ts";

/**
 * Client interceptor for connect transports: each call carries a fresh token for
 * `identity` (default admin), unless the call sets its own authorization header.
 */
export function serviceTokenInterceptor(identity: MintOptions = { scope: "admin" }): Interceptor {
  return (next) => async (req) => {
    if (!req.header.has("authorization")) req.header.set("authorization", `Bearer ${await mintServiceToken(identity)}`);
    return next(req);
  };
}
