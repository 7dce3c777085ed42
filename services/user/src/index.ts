export { userServiceDefinition } from "./definition.ts";
export { createOrderClient, groupByUser, orderServiceError, type OrderServiceClient } from "./order-client.ts";
export { UserRepository, type UserRow } from "./user-repository.ts";
export { LIST_LIMIT, userService } from "./user-service.ts";
