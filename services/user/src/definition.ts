import { fileURLToPath } from "node:url";
import { OrderService } from "@grpc-edge/proto/orders/v1";
import { UserService } from "@grpc-edge/proto/user/v1";
import { clientTracingInterceptor, env, type ServiceDefinition } from "@grpc-edge/service-kit";
import { createOrderClient } from "./order-client.ts";
import { orderFacade } from "./order-facade.ts";
import { UserRepository } from "./user-repository.ts";
import { userService } from "./user-service.ts";

const config = {
  ORDER_SERVICE_URL: env.url("Order service base URL, called over native gRPC (HTTP/2 cleartext or TLS); calls are spread round robin over every address its host resolves to", ["http:", "https:"], "http://127.0.0.1:50052"),
  ORDER_SERVICE_RESOLVE_INTERVAL_MS: env.int("How often the order service's host name is resolved again: new addresses join the rotation, vanished ones stop getting calls", {
    min: 100,
    max: 600_000,
    defaultValue: 10_000,
  }),
  EMBEDDED_ORDERS_MAX: env.int("How many of a user's most recent orders her reply embeds (User.orders; order_count says how many she has; ListOrders pages through all)", {
    min: 1,
    max: 500,
    defaultValue: 20,
  }),
};

export const userServiceDefinition: ServiceDefinition<typeof config> = {
  name: "user-service",
  defaultPort: 50051,
  // The OrderService here is the facade in front of the order service (see order-facade.ts).
  services: [UserService, OrderService],
  migrationsDir: fileURLToPath(new URL("../migrations", import.meta.url)),
  seedFile: fileURLToPath(new URL("../seed/demo.sql", import.meta.url)),
  config,
  // CreateOrder's key is forwarded to, and enforced by, the order service (it owns that write).
  idempotentMethods: [UserService.method.createUser],
  setup({ db, config, tracing, logger }) {
    const orders = createOrderClient(config.ORDER_SERVICE_URL, {
      interceptors: [clientTracingInterceptor(tracing)],
      reresolveMs: config.ORDER_SERVICE_RESOLVE_INTERVAL_MS,
      logger,
    });
    const users = new UserRepository(db);
    return {
      routes(router) {
        router.service(UserService, userService(users, orders.client, config.EMBEDDED_ORDERS_MAX));
        router.service(OrderService, orderFacade(users, orders.client));
      },
      close: orders.close,
    };
  },
};
