import { OrderService } from "@grpc-edge/proto/orders/v1";
import { UserService } from "@grpc-edge/proto/user/v1";

/**
 * The services whose google.api.http annotations are the REST API (and OpenAPI): nothing
 * else is routed. The internal batched order lookups have no annotation, so stay private.
 */
export const publishedServices = [UserService, OrderService] as const;
