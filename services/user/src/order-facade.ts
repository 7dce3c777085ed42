import { Code, ConnectError, type CallOptions, type HandlerContext, type ServiceImpl } from "@connectrpc/connect";
import type { OrderService } from "@grpc-edge/proto/orders/v1";
import { IDEMPOTENT_REPLAYED_HEADER } from "@grpc-edge/proto/shared-names";
import { callerOf, requireReadUser, requireWriteUser } from "@grpc-edge/service-kit";
import { downstreamCallOptions } from "./downstream-call-options.ts";
import { forwardedError, type OrderServiceClient } from "./order-client.ts";
import type { UserRepository } from "./user-repository.ts";

const REPLAYED = IDEMPOTENT_REPLAYED_HEADER;

/**
 * The part of orders.v1.OrderService the user service serves: the RPCs that name a
 * user, which the gateway routes here (workers/gateway/src/routing/upstream-routes.ts).
 * Only the user service knows users, so it checks them here — after the caller's
 * right to name that user, so that an unknown and a forbidden user look alike — and
 * forwards the call over native gRPC with the caller's token: the order service
 * authorises every call itself. Everything else (items, GetOrder, CancelOrder, the
 * internal batched lookups) is the order service's alone: UNIMPLEMENTED here.
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
