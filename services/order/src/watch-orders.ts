import { create } from "@bufbuild/protobuf";
import { timestampFromDate, timestampNow } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, type HandlerContext } from "@connectrpc/connect";
import { OrderEventSchema, OrderEventType, type OrderEvent, type WatchOrdersRequest } from "@grpc-edge/proto/orders/v1";
import { callerOf, requireReadUser, withQueryDeadline } from "@grpc-edge/service-kit";
import type { CallerStreamLimit } from "./caller-stream-limit.ts";
import type { OrderEventHub } from "./order-event-hub.ts";
import type { OrderEventRepository, OrderEventRow } from "./order-event-repository.ts";
import { toOrder } from "./to-order.ts";

/** Events read per wake; more are read at once in further batches. */
const BATCH_SIZE = 100;
/** Each read of a stream gets its own budget: the call's deadline is the stream's life, not a read's. */
const READ_BUDGET_MS = 3_000;

export interface WatchLimits {
  heartbeatMs: number;
  idleLimitMs: number;
  maxLifetimeMs: number;
}

export interface WatchDeps {
  events: OrderEventRepository;
  hub: OrderEventHub;
  perCaller: CallerStreamLimit;
  limits: WatchLimits;
  /** Aborted when the service drains: streams end with RECONNECT (the hub wakes them then). */
  draining: AbortSignal;
}

const eventTypes = { placed: OrderEventType.PLACED, cancelled: OrderEventType.CANCELLED } as const;

function orderEvent(row: OrderEventRow): OrderEvent {
  return create(OrderEventSchema, { id: row.id, type: eventTypes[row.type], order: toOrder(row.order), time: timestampFromDate(row.time) });
}

function signalEvent(type: OrderEventType, id = 0n): OrderEvent {
  return create(OrderEventSchema, { id, type, time: timestampNow() });
}

function read<T>(query: () => Promise<T>): Promise<T> {
  return withQueryDeadline(Date.now() + READ_BUDGET_MS, query).catch((error: unknown) => {
    throw new ConnectError("order events could not be read; reconnect and resume", Code.Unavailable, undefined, undefined, error);
  });
}

/**
 * WatchOrders: authorized as ListOrders, then the user's events after the resume
 * point (or from now), live as they commit, with heartbeats; RESET when the resume
 * point is older than the retention (or unknown); RECONNECT before the server ends
 * the stream (shutdown, idle limit, maximum lifetime).
 */
export async function* watchOrders(req: WatchOrdersRequest, ctx: HandlerContext, deps: WatchDeps): AsyncGenerator<OrderEvent> {
  requireReadUser(callerOf(ctx), req.userId);
  const release = deps.perCaller.acquire(callerOf(ctx));
  // Subscribed before the first read: a commit in between still wakes the stream.
  let pending = true;
  let wake: (() => void) | undefined;
  const unsubscribe = deps.hub.subscribe(req.userId, () => {
    pending = true;
    wake?.();
  });
  const ended = () => ctx.signal.aborted || deps.draining.aborted;
  const onAbort = () => wake?.();
  ctx.signal.addEventListener("abort", onAbort);
  try {
    const startedAt = Date.now();
    let lastEventAt = startedAt;
    let lastSentAt = startedAt;
    const latest = await read(() => deps.events.latestId());
    let cursor = req.afterEventId === 0n ? latest : req.afterEventId;
    // A resume point beyond what was ever written is not ours (another database): reload.
    let reset = req.afterEventId > latest;
    // A heartbeat at once says the stream is live — its "now" is read, so a change committed
    // from here on will arrive — and lets an edge that waits for the first message answer.
    if (!reset) {
      yield signalEvent(OrderEventType.HEARTBEAT);
      lastSentAt = Date.now();
    }
    while (!ended()) {
      if (reset) {
        reset = false;
        cursor = await read(() => deps.events.latestId());
        yield signalEvent(OrderEventType.RESET, cursor);
        lastSentAt = Date.now();
        continue;
      }
      if (pending) {
        pending = false;
        const batch = await read(() => deps.events.after(req.userId, cursor, BATCH_SIZE));
        // Events after the cursor may have been deleted: the client must reload.
        if (cursor < batch.prunedThrough) {
          reset = true;
          continue;
        }
        for (const row of batch.events) {
          if (ended()) break;
          yield orderEvent(row);
          cursor = row.id;
        }
        if (batch.events.length > 0) lastEventAt = lastSentAt = Date.now();
        if (batch.events.length === BATCH_SIZE) pending = true;
        continue;
      }
      const now = Date.now();
      const endAt = Math.min(startedAt + deps.limits.maxLifetimeMs, lastEventAt + deps.limits.idleLimitMs);
      if (now >= endAt) break;
      const heartbeatAt = lastSentAt + deps.limits.heartbeatMs;
      if (now >= heartbeatAt) {
        yield signalEvent(OrderEventType.HEARTBEAT);
        lastSentAt = Date.now();
        // Also a catch-up read, in case a notification was lost (listener reconnecting).
        pending = true;
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(endAt, heartbeatAt) - now);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
    // The client is gone (or its deadline passed): nothing more to send.
    if (ctx.signal.aborted) return;
    // Shutdown, idle limit or maximum lifetime: tell the client to come back.
    yield signalEvent(OrderEventType.RECONNECT);
  } finally {
    ctx.signal.removeEventListener("abort", onAbort);
    unsubscribe();
    release();
  }
}
