import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import {
  CreateOrderRequestSchema,
  ItemSchema,
  ListItemsRequestSchema,
  ListItemsResponseSchema,
  ListOrdersRequestSchema,
  ListOrdersResponseSchema,
  OrderSchema,
  OrderService,
  OrderStatus,
  OrdersByUserIdResponseSchema,
  OrdersByUserIdsResponseSchema,
  type Order,
} from "@grpc-edge/proto/orders/v1";
import { fieldViolation, keysetPage, pageQuery, violationsError } from "@grpc-edge/service-kit";
import type { ItemRepository } from "./item-repository.ts";
import type { OrderRepository, OrderRow } from "./order-repository.ts";

const statuses = { placed: OrderStatus.PLACED, cancelled: OrderStatus.CANCELLED } as const;

function toOrder(row: OrderRow): Order {
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

/**
 * Request rules (ids positive, page sizes, amounts) are the .proto's, checked by
 * the kit's validation interceptor before these run. User ids are trusted: the
 * order service cannot know users; its caller, the user service, checks them.
 */
export function orderService(items: ItemRepository, orders: OrderRepository): Partial<ServiceImpl<typeof OrderService>> {
  return {
    async getOrdersByUserId(req) {
      const rows = await orders.byUserIds([req.userId]);
      return create(OrdersByUserIdResponseSchema, { orders: rows.map(toOrder) });
    },
    async getOrdersByUserIds(req) {
      const rows = await orders.byUserIds([...new Set(req.userIds)]);
      return create(OrdersByUserIdsResponseSchema, { orders: rows.map(toOrder) });
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
    async createOrder(req) {
      const row = await orders.create(req);
      if (!row) {
        throw violationsError([fieldViolation(CreateOrderRequestSchema.field.itemId, `item ${req.itemId} does not exist`, "item_id.exists")]);
      }
      return toOrder(row);
    },
    async getOrder(req) {
      const row = await orders.byId(req.id);
      if (!row) throw new ConnectError(`order ${req.id} not found`, Code.NotFound);
      return toOrder(row);
    },
    async listOrders(req) {
      const query = pageQuery(ListOrdersRequestSchema, req, `orders:user=${req.userId}`);
      const page = keysetPage(query, await orders.listByUser(req.userId, query.afterId, query.limit + 1));
      return create(ListOrdersResponseSchema, { orders: page.items.map(toOrder), nextPageToken: page.nextPageToken });
    },
    async cancelOrder(req) {
      const row = await orders.cancel(req.id);
      if (!row) throw new ConnectError(`order ${req.id} not found`, Code.NotFound);
      return toOrder(row);
    },
  };
}
