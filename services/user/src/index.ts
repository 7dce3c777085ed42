export { userServiceDefinition } from "./definition.ts";
export { downstreamCallOptions } from "./downstream-call-options.ts";
export { BalancedSessionManager, lookupAll, type BalancingOptions, type ResolveAll } from "./balanced-session-manager.ts";
export { createOrderClient, forwardedError, groupByUser, orderServiceError, type OrderClientOptions, type OrderServiceClient } from "./order-client.ts";
export { orderFacade } from "./order-facade.ts";
export { EMAIL_CONSTRAINT, UserRepository, type UserChanges, type UserRow } from "./user-repository.ts";
export { userService } from "./user-service.ts";
