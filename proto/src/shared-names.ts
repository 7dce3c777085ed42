// The strings both tiers must spell the same way: the gateway maps them, the services
// send them. Hand-written (not generated); the only thing the tiers share besides the
// contracts themselves. Changing one is a wire change: gateway and services deploy together.

/** `domain` of every google.rpc.ErrorInfo detail the services attach. */
export const ERROR_DOMAIN = "grpc-edge.dev";

/** `reason` values of those ErrorInfo details; the gateway turns each into its own problem type. */
export const ErrorReason = {
  /** The Idempotency-Key was already used with a different request (gateway: 422). */
  idempotencyKeyReused: "IDEMPOTENCY_KEY_REUSED",
  /** The first request with this Idempotency-Key is still running (gateway: 409, retry later). */
  idempotencyKeyInFlight: "IDEMPOTENCY_KEY_IN_FLIGHT",
  /** The Idempotency-Key itself is malformed (gateway: a plain 400). */
  idempotencyKeyInvalid: "IDEMPOTENCY_KEY_INVALID",
  /** The user has as many placed orders as one may have (gateway: 409, no Retry-After; metadata `limit`). */
  orderQuotaExceeded: "ORDER_QUOTA_EXCEEDED",
  /** A service's own upstream answered with more than it reads (gateway: 502). */
  upstreamResponseTooLarge: "UPSTREAM_RESPONSE_TOO_LARGE",
} as const;

/** Request metadata naming a create's idempotency key (the REST header of the same name, lower-cased). */
export const IDEMPOTENCY_KEY_HEADER = "idempotency-key";
/** Response metadata ("true") of a create answered from the idempotency store instead of run again. */
export const IDEMPOTENT_REPLAYED_HEADER = "idempotent-replayed";

/** `iss` of the service tokens the gateway signs and the services verify. */
export const SERVICE_TOKEN_ISSUER = "grpc-edge-gateway";
/** `aud` of the service tokens. */
export const SERVICE_TOKEN_AUDIENCE = "grpc-edge-services";
/** The service token's claim carrying the end user's own token id (`jti` of her JWT), for audit logs. */
export const SERVICE_TOKEN_USER_JTI_CLAIM = "user_jti";
