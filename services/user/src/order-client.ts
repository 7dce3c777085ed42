import { Code, ConnectError, createClient, type Client, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { OrderService, type Order } from "@grpc-edge/proto/orders/v1";
import { ErrorReason } from "@grpc-edge/proto/shared-names";
import { reasonError, type Logger } from "@grpc-edge/service-kit";
import { BalancedSessionManager, type ResolveAll } from "./balanced-session-manager.ts";
import { isRefusedStream, lostConnectionIsUnavailable, refusedStreamRetry } from "./refused-stream-retry.ts";

export type OrderServiceClient = Client<typeof OrderService>;

/** The largest order-service answer read: 500 users × 20 orders fit many times over. */
export const ORDER_ANSWER_MAX_BYTES = 4 * 1024 * 1024;

export interface OrderClientOptions {
  /** Largest answer read from the order service (default ORDER_ANSWER_MAX_BYTES). */
  readMaxBytes?: number;
  /** Client interceptors around every call, e.g. the tracing one that sends `traceparent`. */
  interceptors?: Interceptor[];
  /** How the host's addresses are found (default: the system resolver, all addresses). */
  resolve?: ResolveAll;
  /** How often the host is resolved again (ORDER_SERVICE_RESOLVE_INTERVAL_MS). */
  reresolveMs?: number;
  logger?: Logger;
}

/**
 * One native gRPC (HTTP/2) client for the whole process, spread over every order
 * task: one session per address of the URL's host, reused across calls, round robin
 * (balanced-session-manager.ts). `close` drops the sessions at shutdown.
 */
export function createOrderClient(baseUrl: string, options: OrderClientOptions = {}): { client: OrderServiceClient; sessions: BalancedSessionManager; close(): void } {
  const sessionManager = new BalancedSessionManager(baseUrl, {
    resolve: options.resolve,
    reresolveMs: options.reresolveMs ?? 10_000,
    session: { idleConnectionTimeoutMs: 60_000 },
    logger: options.logger,
  });
  // A stream refused during the order service's GOAWAY is sent again on a new connection
  // (to the next address; inside the client span, so one traced call covers both attempts);
  // a connection lost under a call is UNAVAILABLE, not CANCELED.
  const client = createClient(
    OrderService,
    createGrpcTransport({
      baseUrl,
      sessionManager,
      // An answer larger than this is refused while it is read (UPSTREAM_RESPONSE_TOO_LARGE below),
      // never buffered whole: a page of users embeds at most EMBEDDED_ORDERS_MAX orders each.
      readMaxBytes: options.readMaxBytes ?? ORDER_ANSWER_MAX_BYTES,
      // Answers uncompressed (connect-node accepts gzip and br by default): on the private
      // network gzip only cost both services CPU, and its zlib streams memory.
      acceptCompression: [],
      interceptors: [...(options.interceptors ?? []), lostConnectionIsUnavailable(), refusedStreamRetry()],
    }),
  );
  return { client, sessions: sessionManager, close: () => sessionManager.abort() };
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
  // Our own client refused an answer over readMaxBytes: the gateway answers 502 for it.
  if (cause.code === Code.ResourceExhausted && /larger than configured readMaxBytes/.test(cause.rawMessage)) {
    return reasonError("order service answer too large", Code.Internal, ErrorReason.upstreamResponseTooLarge);
  }
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
