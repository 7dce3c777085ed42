import { env } from "@grpc-edge/service-kit";

/** The order service's own settings: order-event retention, WatchOrders stream limits, the per-user order quota. */
export const watchConfigSpec = {
  ORDER_EVENT_RETENTION_HOURS: env.int("How long order events are kept for WatchOrders resumes; an older resume point gets a RESET event", {
    min: 1,
    max: 24 * 30,
    defaultValue: 24,
  }),
  WATCH_HEARTBEAT_MS: env.int("WatchOrders: a HEARTBEAT event after this long without any event, so that balancers' idle timeouts (often 60 s) keep the stream", {
    min: 100,
    max: 300_000,
    defaultValue: 15_000,
  }),
  WATCH_IDLE_LIMIT_MS: env.int("WatchOrders: a stream without an order event for this long gets a RECONNECT event and ends", {
    min: 500,
    max: 24 * 3_600_000,
    defaultValue: 3_600_000,
  }),
  WATCH_MAX_LIFETIME_MS: env.int("WatchOrders: a stream open this long gets a RECONNECT event and ends (clients resume from their last event id)", {
    min: 500,
    max: 24 * 3_600_000,
    defaultValue: 4 * 3_600_000,
  }),
  MAX_PLACED_ORDERS_PER_USER: env.int(
    "Placed (not cancelled) orders one user may have; CreateOrder beyond it is FAILED_PRECONDITION (REST: 409 order-quota-exceeded) until she cancels some",
    { min: 1, max: 10_000_000, defaultValue: 10_000 },
  ),
  WATCH_MAX_STREAMS_PER_CALLER: env.int("WatchOrders: open streams per caller (the end user; anonymous callers share one count) in one process; more: RESOURCE_EXHAUSTED", {
    min: 1,
    max: 1_000,
    defaultValue: 5,
  }),
};
