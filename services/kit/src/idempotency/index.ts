export { startIdempotencyCleanup } from "./cleanup-timer.ts";
export { ERROR_DOMAIN, IdempotencyReason } from "./idempotency-errors.ts";
export { idempotencyInterceptor } from "./idempotency-interceptor.ts";
export { idempotencyKeyOf } from "./idempotency-key.ts";
export { IdempotencyStore, type Claim, type KeyScope } from "./idempotency-store.ts";
export { captureResponseMetadata } from "./response-metadata.ts";
