export { orderServiceDefinition } from "./definition.ts";
export { OrderRepository, type OrderRow } from "./order-repository.ts";
export { MAX_USER_IDS_PER_CALL, orderService } from "./order-service.ts";
