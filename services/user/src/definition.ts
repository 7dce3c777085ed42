import { fileURLToPath } from "node:url";
import { UserService } from "@grpc-edge/proto/user/v1";
import { env, type ServiceDefinition } from "@grpc-edge/service-kit";
import { createOrderClient } from "./order-client.ts";
import { UserRepository } from "./user-repository.ts";
import { userService } from "./user-service.ts";

const config = {
  ORDER_SERVICE_URL: env.url("Order service base URL, called over native gRPC (HTTP/2 cleartext or TLS)", ["http:", "https:"], "http://127.0.0.1:50052"),
};

export const userServiceDefinition: ServiceDefinition<typeof config> = {
  name: "user-service",
  defaultPort: 50051,
  services: [UserService],
  migrationsDir: fileURLToPath(new URL("../migrations", import.meta.url)),
  seedFile: fileURLToPath(new URL("../seed/demo.sql", import.meta.url)),
  config,
  setup({ db, config }) {
    const orders = createOrderClient(config.ORDER_SERVICE_URL);
    const impl = userService(new UserRepository(db), orders.client);
    return { routes: (router) => router.service(UserService, impl), close: orders.close };
  },
};
