import { Code, ConnectError } from "@connectrpc/connect";
import type { AuthzDecision, Caller } from "./caller.ts";

/** The scopes a service token may carry (docs/security.md). */
export const Scopes = {
  /** Everything. */
  admin: "admin",
  /** Read any user and her orders (the gateway's PUBLIC_READS grants it to anonymous callers). */
  usersRead: "users:read",
} as const;

/**
 * Records why the caller was let through (or "denied") on the call's audit record, for
 * the RPC log line. A denial is kept even if a later check of the same call passes.
 */
function decide(caller: Caller, grounds: AuthzDecision | undefined): boolean {
  if (caller.authz.decision !== "denied") caller.authz.decision = grounds ?? "denied";
  return grounds !== undefined;
}

const scopeGrounds = (caller: Caller, scope: string): AuthzDecision | undefined =>
  caller.scopes.has(Scopes.admin) ? Scopes.admin : caller.scopes.has(scope) ? scope : undefined;

export function hasScope(caller: Caller, scope: string): boolean {
  return decide(caller, scopeGrounds(caller, scope));
}

/** User `userId` and her orders may be read by herself, admins and `users:read`. */
export function mayReadUser(caller: Caller, userId: number): boolean {
  return decide(caller, caller.userId === userId ? "self" : scopeGrounds(caller, Scopes.usersRead));
}

/** User `userId` may be changed, and orders placed or cancelled for her, by herself and admins. */
export function mayWriteUser(caller: Caller, userId: number): boolean {
  return decide(caller, caller.userId === userId ? "self" : scopeGrounds(caller, Scopes.admin));
}

/**
 * For requests that name the user (GET /users/{id}, POST /users/{id}/orders…):
 * checked before any lookup, so the answer is the same whether the user exists.
 */
export function requireReadUser(caller: Caller, userId: number): void {
  if (!mayReadUser(caller, userId)) throw new ConnectError(`caller may not read user ${userId}`, Code.PermissionDenied);
}

export function requireWriteUser(caller: Caller, userId: number): void {
  if (!mayWriteUser(caller, userId)) throw new ConnectError(`caller may not change user ${userId}`, Code.PermissionDenied);
}

export function requireScope(caller: Caller, scope: string): void {
  if (!hasScope(caller, scope)) throw new ConnectError(`caller lacks the ${scope} scope`, Code.PermissionDenied);
}
