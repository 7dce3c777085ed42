import { createContextKey } from "@connectrpc/connect";
import type { ServiceTokenClaims } from "./service-token.ts";

/**
 * Who is calling, as the edge established it: the claims of the service token every
 * upstream call carries. Set per request by the authenticate middleware and handed
 * to the transport as a context value (the interceptor signs from it).
 */
export interface Caller extends ServiceTokenClaims {
  /** A verified end-user JWT was presented (false: anonymous). */
  authenticated: boolean;
}

export const anonymousCaller = (scope = ""): Caller => ({ authenticated: false, scope });

/** Context value of every upstream call; the default is anonymous with no scope (fails closed). */
export const callerKey = createContextKey<Caller>(anonymousCaller(), { description: "caller" });
