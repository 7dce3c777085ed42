import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { OrderSchema, OrderStatus, type Order } from "@grpc-edge/proto/orders/v1";
import type { OrderRow } from "./order-repository.ts";

const statuses = { placed: OrderStatus.PLACED, cancelled: OrderStatus.CANCELLED } as const;

/** An order row as the wire's Order. */
export function toOrder(row: OrderRow): Order {
  return create(OrderSchema, {
    id: row.id,
    userId: row.userId,
    item: row.item,
    orderDate: timestampFromDate(row.orderDate),
    amount: row.amount,
    status: statuses[row.status],
    cancelTime: row.cancelTime ? timestampFromDate(row.cancelTime) : undefined,
  });
}
