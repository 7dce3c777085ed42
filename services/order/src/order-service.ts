import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import {
  CreateOrderRequestSchema,
  ItemSchema,
  ListItemsRequestSchema,
  ListItemsResponseSchema,
  ListOrdersRequestSchema,
  ListOrdersResponseSchema,
  OrderService,
  OrdersByUserIdResponseSchema,
  OrdersByUserIdsResponseSchema,
} from "@grpc-edge/proto/orders/v1";
import {
  callerOf,
  fieldViolation,
  keysetPage,
  mayReadUser,
  mayWriteUser,
  pageQuery,
  reasonError,
  requireReadUser,
  requireWriteUser,
  violationsError,
  type Caller,
} from "@grpc-edge/service-kit";
import { ErrorReason } from "@grpc-edge/proto/shared-names";
import type { ItemRepository } from "./item-repository.ts";
import type { OrderRepository, OrderRow } from "./order-repository.ts";
import { toOrder } from "./to-order.ts";

/**
 * An order addressed by its id alone, if the caller may read it: another user's
 * order is NOT_FOUND, exactly like a missing one, so guessing ids reveals nothing.
 */
async function readableOrder(orders: OrderRepository, caller: Caller, id: number): Promise<OrderRow> {
  const row = await orders.byId(id);
  if (!row || !mayReadUser(caller, row.userId)) throw new ConnectError(`order ${id} not found`, Code.NotFound);
  return row;
}

/**
 * Request rules (ids positive, page sizes, amounts) are the .proto's, checked by
 * the kit's validation interceptor before these run. Whether a user exists is the
 * user service's to check; who may touch whose orders is checked here too, from
 * the verified service token (docs/security.md), since this service owns them.
 */
export function orderService(items: ItemRepository, orders: OrderRepository, maxPlacedPerUser: number): Partial<ServiceImpl<typeof OrderService>> {
  return {
    async getOrdersByUserId(req, ctx) {
      requireReadUser(callerOf(ctx), req.userId);
      const { rows, counts } = await orders.recentByUserIds([req.userId], req.maxOrders);
      const count = counts.get(req.userId);
      return create(OrdersByUserIdResponseSchema, { orders: rows.map(toOrder), orderCount: count?.total ?? 0, placedCount: count?.placed ?? 0 });
    },
    async getOrdersByUserIds(req, ctx) {
      const caller = callerOf(ctx);
      for (const userId of req.userIds) requireReadUser(caller, userId);
      const { rows, counts } = await orders.recentByUserIds([...new Set(req.userIds)], req.maxOrdersPerUser);
      const orderCounts: Record<number, number> = {};
      for (const [userId, count] of counts) orderCounts[userId] = count.total;
      return create(OrdersByUserIdsResponseSchema, { orders: rows.map(toOrder), orderCounts });
    },
    async listItems(req) {
      const query = pageQuery(ListItemsRequestSchema, req, "items");
      const page = keysetPage(query, await items.list(query.afterId, query.limit + 1));
      return create(ListItemsResponseSchema, { items: page.items, nextPageToken: page.nextPageToken });
    },
    async getItem(req) {
      const item = await items.byId(req.id);
      if (!item) throw new ConnectError(`item ${req.id} not found`, Code.NotFound);
      return create(ItemSchema, item);
    },
    async createOrder(req, ctx) {
      requireWriteUser(callerOf(ctx), req.userId);
      const row = await orders.create(req, maxPlacedPerUser);
      if (row) return toOrder(row);
      if (!(await items.byId(req.itemId))) {
        throw violationsError([fieldViolation(CreateOrderRequestSchema.field.itemId, `item ${req.itemId} does not exist`, "item_id.exists")]);
      }
      // Waiting does not help (no Retry-After): she must cancel some first.
      throw reasonError(
        `user ${req.userId} has ${maxPlacedPerUser} placed orders, the most one user may have; cancel some first`,
        Code.FailedPrecondition,
        ErrorReason.orderQuotaExceeded,
        { limit: String(maxPlacedPerUser) },
      );
    },
    async getOrder(req, ctx) {
      return toOrder(await readableOrder(orders, callerOf(ctx), req.id));
    },
    async listOrders(req, ctx) {
      requireReadUser(callerOf(ctx), req.userId);
      const query = pageQuery(ListOrdersRequestSchema, req, `orders:user=${req.userId}`);
      const page = keysetPage(query, await orders.listByUser(req.userId, query.afterId, query.limit + 1));
      return create(ListOrdersResponseSchema, { orders: page.items.map(toOrder), nextPageToken: page.nextPageToken });
    },
    async cancelOrder(req, ctx) {
      const caller = callerOf(ctx);
      const { userId } = await readableOrder(orders, caller, req.id);
      // She may see it (users:read) but not change it: existence is no secret to her.
      if (!mayWriteUser(caller, userId)) throw new ConnectError(`caller may not cancel order ${req.id}`, Code.PermissionDenied);
      const row = await orders.cancel(req.id);
      if (!row) throw new ConnectError(`order ${req.id} not found`, Code.NotFound);
      return toOrder(row);
    },
  };
}
