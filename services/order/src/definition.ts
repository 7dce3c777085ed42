import { fileURLToPath } from "node:url";
import { OrderService } from "@grpc-edge/proto/orders/v1";
import type { ServiceDefinition } from "@grpc-edge/service-kit";
import { ItemRepository } from "./item-repository.ts";
import { OrderRepository } from "./order-repository.ts";
import { orderService } from "./order-service.ts";

export const orderServiceDefinition: ServiceDefinition<{}> = {
  name: "order-service",
  defaultPort: 50052,
  services: [OrderService],
  migrationsDir: fileURLToPath(new URL("../migrations", import.meta.url)),
  seedFile: fileURLToPath(new URL("../seed/demo.sql", import.meta.url)),
  config: {},
  // This service owns the order write, so it enforces CreateOrder's Idempotency-Key.
  idempotentMethods: [OrderService.method.createOrder],
  setup({ db }) {
    const impl = orderService(new ItemRepository(db), new OrderRepository(db));
    return { routes: (router) => router.service(OrderService, impl) };
  },
};
