export { orderServiceDefinition } from "./definition.ts";
export { ItemRepository, type ItemRow } from "./item-repository.ts";
export { OrderRepository, type OrderRow, type OrderState } from "./order-repository.ts";
export { orderService } from "./order-service.ts";
