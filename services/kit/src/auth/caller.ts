import { Code, ConnectError, createContextKey, type HandlerContext } from "@connectrpc/connect";

/**
 * On what grounds an access rule let the caller through — "self", or the scope that
 * allowed it ("admin", "users:read") — or "denied"; for the audit log.
 */
export type AuthzDecision = string;

/** Who is calling, as the verified service token says; nothing here comes from a bare header. */
export interface Caller {
  /** The end user's id (`sub`); undefined for anonymous callers. */
  readonly userId: number | undefined;
  readonly scopes: ReadonlySet<string>;
  /** The verified token itself, forwarded unchanged to the next service. */
  readonly token: string;
  /** The end user's own token id (`jti` of her JWT, carried as a claim), for audit logs. */
  readonly userTokenId: string | undefined;
  /** Set when the caller sent no token and was let in by TRUSTED_CALLERS: its TCP peer address. */
  readonly trustedPeer?: string;
  /** What the access rules decided during this call (one record per call); read by the RPC log. */
  readonly authz: { decision?: AuthzDecision };
}

/** Where the authentication gate puts the caller for interceptors and handlers. */
export const callerKey = createContextKey<Caller | undefined>(undefined, { description: "verified caller" });

/**
 * The verified caller of this RPC. Fails closed: a handler reached without the
 * gate (a wiring mistake) answers UNAUTHENTICATED instead of serving anyone.
 */
export function callerOf(ctx: Pick<HandlerContext, "values">): Caller {
  const caller = ctx.values.get(callerKey);
  if (!caller) throw new ConnectError("missing service token", Code.Unauthenticated);
  return caller;
}
