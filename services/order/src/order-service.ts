import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { OrderSchema, OrderService, OrdersByUserIdResponseSchema, OrdersByUserIdsResponseSchema, type Order } from "@grpc-edge/proto/orders/v1";
import type { OrderRepository, OrderRow } from "./order-repository.ts";

/** Most user ids one batched call may ask for; a page of users is far below it. */
export const MAX_USER_IDS_PER_CALL = 1000;

function toOrder(row: OrderRow): Order {
  return create(OrderSchema, {
    id: row.id,
    userId: row.userId,
    item: row.item,
    orderDate: timestampFromDate(row.orderDate),
    amount: row.amount,
  });
}

function requirePositive(id: number, field: string): void {
  if (!Number.isInteger(id) || id <= 0) {
    throw new ConnectError(`${field} must be a positive integer, got ${id}`, Code.InvalidArgument);
  }
}

export function orderService(orders: OrderRepository): Partial<ServiceImpl<typeof OrderService>> {
  return {
    async getOrdersByUserId(req) {
      requirePositive(req.userId, "user_id");
      const rows = await orders.byUserIds([req.userId]);
      return create(OrdersByUserIdResponseSchema, { orders: rows.map(toOrder) });
    },
    async getOrdersByUserIds(req) {
      req.userIds.forEach((id, i) => requirePositive(id, `user_ids[${i}]`));
      const ids = [...new Set(req.userIds)];
      if (ids.length > MAX_USER_IDS_PER_CALL) {
        throw new ConnectError(`at most ${MAX_USER_IDS_PER_CALL} distinct user_ids per call, got ${ids.length}`, Code.InvalidArgument);
      }
      const rows = await orders.byUserIds(ids);
      return create(OrdersByUserIdsResponseSchema, { orders: rows.map(toOrder) });
    },
  };
}
