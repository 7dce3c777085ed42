import { Code, ConnectError, createClient, type Client, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { OrderService, type Order } from "@grpc-edge/proto/orders/v1";
import { isRefusedStream, lostConnectionIsUnavailable, refusedStreamRetry } from "./refused-stream-retry.ts";

export type OrderServiceClient = Client<typeof OrderService>;

/**
 * One native gRPC (HTTP/2) client for the whole process: the session is reused
 * across calls instead of being set up per request. `close` drops it at shutdown.
 * `interceptors`: the client tracing interceptor, which sends `traceparent`.
 */
export function createOrderClient(baseUrl: string, interceptors: Interceptor[] = []): { client: OrderServiceClient; close(): void } {
  const sessionManager = new Http2SessionManager(baseUrl, { idleConnectionTimeoutMs: 60_000 });
  // A stream refused during the order service's GOAWAY is sent again on a new connection
  // (inside the client span, so one traced call covers both attempts); a connection lost
  // under a call is UNAVAILABLE, not CANCELED.
  const client = createClient(
    OrderService,
    createGrpcTransport({ baseUrl, sessionManager, interceptors: [...interceptors, lostConnectionIsUnavailable(), refusedStreamRetry()] }),
  );
  return { client, close: () => sessionManager.abort() };
}

/**
 * The user service's view of an order-service failure: unavailability and
 * deadlines keep their code (callers may retry or give up); anything else is
 * our fault, reported as INTERNAL without the downstream details.
 */
export function orderServiceError(error: unknown): ConnectError {
  const cause = ConnectError.from(error);
  // connect-node reports a refused stream as INTERNAL; it is the server going away.
  if (isRefusedStream(error)) return new ConnectError("order service unavailable", Code.Unavailable, undefined, undefined, cause);
  switch (cause.code) {
    case Code.Unavailable:
      return new ConnectError("order service unavailable", Code.Unavailable, undefined, undefined, cause);
    case Code.DeadlineExceeded:
    case Code.Canceled:
      return new ConnectError("order service did not answer in time", cause.code, undefined, undefined, cause);
    default:
      return new ConnectError("order service call failed", Code.Internal, undefined, undefined, cause);
  }
}

// Codes that describe the caller's request, whose message was written for the caller:
// bad input, missing or conflicting things, her rights, and idempotency conflicts (ABORTED).
const callerErrors = new Set([
  Code.InvalidArgument,
  Code.NotFound,
  Code.FailedPrecondition,
  Code.AlreadyExists,
  Code.OutOfRange,
  Code.PermissionDenied,
  Code.Aborted,
]);

/**
 * An order-service failure of a call the user service forwards for its caller
 * (the OrderService facade): errors about the request keep their code, message
 * and details (e.g. INVALID_ARGUMENT's violations, ErrorInfo); unavailability and deadlines
 * keep their code; anything else is INTERNAL without the downstream details.
 */
export function forwardedError(error: unknown): ConnectError {
  const cause = ConnectError.from(error);
  if (!callerErrors.has(cause.code)) return orderServiceError(cause);
  const forwarded = new ConnectError(cause.rawMessage, cause.code, undefined, undefined, cause);
  forwarded.details.push(...cause.details);
  return forwarded;
}

/** Groups orders by user id, keeping their order. */
export function groupByUser(orders: readonly Order[]): Map<number, Order[]> {
  const byUser = new Map<number, Order[]>();
  for (const order of orders) {
    const list = byUser.get(order.userId);
    if (list) list.push(order);
    else byUser.set(order.userId, [order]);
  }
  return byUser;
}
