import { Code, ConnectError } from "@connectrpc/connect";

const maxInt32 = 2147483647;
// Canonical decimal only: no sign, no leading zero, no exponent, no whitespace.
const canonicalPositive = /^[1-9][0-9]{0,9}$/;

/** A path segment as a user id (positive int32), or INVALID_ARGUMENT before any upstream call. */
export function parseUserId(segment: string): number {
  if (canonicalPositive.test(segment)) {
    const id = Number(segment);
    if (id <= maxInt32) return id;
  }
  throw new ConnectError(`user id must be an integer from 1 to ${maxInt32}`, Code.InvalidArgument);
}
