import { fileURLToPath } from "node:url";
import { OrderService } from "@grpc-edge/proto/orders/v1";
import type { ServiceDefinition } from "@grpc-edge/service-kit";
import { Gauge } from "prom-client";
import { CallerStreamLimit } from "./caller-stream-limit.ts";
import { ItemRepository } from "./item-repository.ts";
import { startOrderEventCleanup } from "./order-event-cleanup.ts";
import { OrderEventHub } from "./order-event-hub.ts";
import { OrderEventRepository } from "./order-event-repository.ts";
import { ORDER_EVENTS_CHANNEL } from "./order-event-writes.ts";
import { OrderRepository } from "./order-repository.ts";
import { orderService } from "./order-service.ts";
import { watchConfigSpec } from "./watch-config.ts";
import { watchOrders } from "./watch-orders.ts";

export const orderServiceDefinition: ServiceDefinition<typeof watchConfigSpec> = {
  name: "order-service",
  defaultPort: 50052,
  services: [OrderService],
  migrationsDir: fileURLToPath(new URL("../migrations", import.meta.url)),
  seedFile: fileURLToPath(new URL("../seed/demo.sql", import.meta.url)),
  config: watchConfigSpec,
  // This service owns the order write, so it enforces CreateOrder's Idempotency-Key.
  idempotentMethods: [OrderService.method.createOrder],
  setup({ db, config, logger, draining, metricsRegistry }) {
    const events = new OrderEventRepository(db);
    // One LISTEN per process, fanned out to the streams by user id.
    const hub = new OrderEventHub();
    const listening = db.listen(ORDER_EVENTS_CHANNEL, { onNotify: (payload) => hub.notify(payload), onReconnect: () => hub.wakeAll() });
    listening.catch((error: unknown) => logger.error({ err: error }, "order events: LISTEN failed; streams catch up at each heartbeat only"));
    new Gauge({
      name: "order_event_subscriptions",
      help: "WatchOrders streams subscribed to order events in this process",
      registers: [metricsRegistry],
      collect() {
        this.set(hub.size);
      },
    });
    // One listener for all streams (not one each: an AbortSignal warns past 10 listeners).
    draining.addEventListener("abort", () => hub.wakeAll(), { once: true });
    let stopCleanup = () => {};
    const watch = {
      events,
      hub,
      draining,
      perCaller: new CallerStreamLimit(config.WATCH_MAX_STREAMS_PER_CALLER),
      limits: { heartbeatMs: config.WATCH_HEARTBEAT_MS, idleLimitMs: config.WATCH_IDLE_LIMIT_MS, maxLifetimeMs: config.WATCH_MAX_LIFETIME_MS },
    };
    const impl = {
      ...orderService(new ItemRepository(db), new OrderRepository(db), config.MAX_PLACED_ORDERS_PER_USER),
      watchOrders: (req: Parameters<typeof watchOrders>[0], ctx: Parameters<typeof watchOrders>[1]) => watchOrders(req, ctx, watch),
    };
    return {
      routes: (router) => router.service(OrderService, impl),
      // Not before: on a new database the events table exists once the migrations ran.
      onReady() {
        stopCleanup = startOrderEventCleanup(events, config.ORDER_EVENT_RETENTION_HOURS, logger);
      },
      async close() {
        stopCleanup();
        await listening.then((stop) => stop(), () => {});
      },
    };
  },
};
