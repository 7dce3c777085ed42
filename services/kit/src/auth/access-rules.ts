import { Code, ConnectError } from "@connectrpc/connect";
import type { Caller } from "./caller.ts";

/** The scopes a service token may carry (docs/security.md). */
export const Scopes = {
  /** Everything. */
  admin: "admin",
  /** Read any user and her orders (the gateway's PUBLIC_READS grants it to anonymous callers). */
  usersRead: "users:read",
} as const;

export function hasScope(caller: Caller, scope: string): boolean {
  return caller.scopes.has(Scopes.admin) || caller.scopes.has(scope);
}

/** User `userId` and her orders may be read by herself, admins and `users:read`. */
export function mayReadUser(caller: Caller, userId: number): boolean {
  return caller.userId === userId || hasScope(caller, Scopes.usersRead);
}

/** User `userId` may be changed, and orders placed or cancelled for her, by herself and admins. */
export function mayWriteUser(caller: Caller, userId: number): boolean {
  return caller.userId === userId || caller.scopes.has(Scopes.admin);
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
