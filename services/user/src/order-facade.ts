import { Code, ConnectError, type CallOptions, type HandlerContext, type ServiceImpl } from "@connectrpc/connect";
import type { OrderService } from "@grpc-edge/proto/orders/v1";
import { IDEMPOTENT_REPLAYED_HEADER } from "@grpc-edge/proto/shared-names";
import { callerOf, requireReadUser, requireWriteUser } from "@grpc-edge/service-kit";
import { downstreamCallOptions } from "./downstream-call-options.ts";
import { forwardedError, type OrderServiceClient } from "./order-client.ts";
import type { UserRepository } from "./user-repository.ts";

const REPLAYED = IDEMPOTENT_REPLAYED_HEADER;

/**
 * orders.v1.OrderService as the user service serves it: the gateway reaches only
 * the user service (the order service is VPC-internal), so the public order RPCs
 * are forwarded over native gRPC, with the caller's token: the order service
 * authorises every call itself. Only the user service knows users, so it checks
 * them here — after the caller's right to name that user, so that an unknown and
 * a forbidden user look alike. The internal batched lookups are left out (UNIMPLEMENTED).
 */
export function orderFacade(users: UserRepository, orders: OrderServiceClient): Partial<ServiceImpl<typeof OrderService>> {
  const forward = <T>(call: (options: CallOptions) => Promise<T>, ctx: HandlerContext): Promise<T> =>
    call({
      ...downstreamCallOptions(ctx),
      // A replayed CreateOrder says so (the order service enforces its Idempotency-Key): pass it on.
      onHeader(header) {
        if (header.get(REPLAYED) === "true") ctx.responseHeader.set(REPLAYED, "true");
      },
    }).catch((error: unknown) => {
      throw forwardedError(error);
    });
  const requireUser = async (id: number) => {
    if (!(await users.byId(id))) throw new ConnectError(`user ${id} not found`, Code.NotFound);
  };
  return {
    listItems: (req, ctx) => forward((options) => orders.listItems(req, options), ctx),
    getItem: (req, ctx) => forward((options) => orders.getItem(req, options), ctx),
    getOrder: (req, ctx) => forward((options) => orders.getOrder(req, options), ctx),
    cancelOrder: (req, ctx) => forward((options) => orders.cancelOrder(req, options), ctx),
    async createOrder(req, ctx) {
      requireWriteUser(callerOf(ctx), req.userId);
      await requireUser(req.userId);
      return forward((options) => orders.createOrder(req, options), ctx);
    },
    async listOrders(req, ctx) {
      requireReadUser(callerOf(ctx), req.userId);
      await requireUser(req.userId);
      return forward((options) => orders.listOrders(req, options), ctx);
    },
  };
}
