import { IDEMPOTENCY_KEY_HEADER } from "@grpc-edge/proto/shared-names";
import { keyInvalid } from "./idempotency-errors.ts";

// 1–255 visible ASCII characters (no spaces or controls): a UUID, a ULID, a hash…
const KEY = /^[\x21-\x7E]{1,255}$/;

/** The `idempotency-key` of a request: undefined when absent, INVALID_ARGUMENT when malformed. */
export function idempotencyKeyOf(header: Headers): string | undefined {
  const raw = header.get(IDEMPOTENCY_KEY_HEADER);
  if (raw === null) return undefined;
  if (!KEY.test(raw)) throw keyInvalid();
  return raw;
}
