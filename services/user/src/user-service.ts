import { create } from "@bufbuild/protobuf";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, type HandlerContext, type ServiceImpl } from "@connectrpc/connect";
import { OrderStatus, type Order } from "@grpc-edge/proto/orders/v1";
import { GetAllUsersRequestSchema, GetAllUsersResponseSchema, GetUserResponseSchema, UserSchema, UserService } from "@grpc-edge/proto/user/v1";
import {
  callerOf,
  isUniqueViolation,
  keysetPage,
  pageQuery,
  requireReadUser,
  requireScope,
  requireWriteUser,
  Scopes,
} from "@grpc-edge/service-kit";
import { downstreamCallOptions } from "./downstream-call-options.ts";
import { groupByUser, orderServiceError, type OrderServiceClient } from "./order-client.ts";
import { EMAIL_CONSTRAINT, type UserRepository } from "./user-repository.ts";

// The address is not echoed: error details end up in logs, traces and client error reports.
function emailTaken(error: unknown): unknown {
  return isUniqueViolation(error, EMAIL_CONSTRAINT) ? new ConnectError("email is already taken", Code.AlreadyExists) : error;
}

/**
 * Request rules (positive ids, name lengths, email syntax, page sizes) are the
 * .proto's, checked by the kit's validation interceptor before these run. Who may
 * do what (docs/security.md) is checked first, before any lookup: the answer to a
 * forbidden id does not depend on whether that user exists.
 */
export function userService(users: UserRepository, orders: OrderServiceClient): Partial<ServiceImpl<typeof UserService>> {
  const ordersOf = (userId: number, ctx: HandlerContext): Promise<Order[]> =>
    orders.getOrdersByUserId({ userId }, downstreamCallOptions(ctx)).then(
      (res) => res.orders,
      (error: unknown) => {
        throw orderServiceError(error);
      },
    );
  return {
    async getUserById(req, ctx) {
      requireReadUser(callerOf(ctx), req.id);
      const user = await users.byId(req.id);
      if (!user) throw new ConnectError(`user ${req.id} not found`, Code.NotFound);
      return create(GetUserResponseSchema, { user: create(UserSchema, { ...user, orders: await ordersOf(user.id, ctx) }) });
    },
    async getAllUsers(req, ctx) {
      requireScope(callerOf(ctx), Scopes.usersRead);
      const query = pageQuery(GetAllUsersRequestSchema, req, "users");
      const page = keysetPage(query, await users.list(query.afterId, query.limit + 1));
      if (page.items.length === 0) return create(GetAllUsersResponseSchema);
      // One batched call for the whole page, whatever its size (at most 500 ids).
      const res = await orders.getOrdersByUserIds({ userIds: page.items.map((u) => u.id) }, downstreamCallOptions(ctx)).catch((error) => {
        throw orderServiceError(error);
      });
      const byUser = groupByUser(res.orders);
      return create(GetAllUsersResponseSchema, {
        users: page.items.map((user) => create(UserSchema, { ...user, orders: byUser.get(user.id) ?? [] })),
        nextPageToken: page.nextPageToken,
      });
    },
    async createUser(req, ctx) {
      requireScope(callerOf(ctx), Scopes.admin);
      const user = await users.create(req).catch((error) => {
        throw emailTaken(error);
      });
      // A new id has no orders: no order-service call.
      return create(UserSchema, user);
    },
    async updateUser(req, ctx) {
      requireWriteUser(callerOf(ctx), req.id);
      if (!(await users.byId(req.id))) throw new ConnectError(`user ${req.id} not found`, Code.NotFound);
      // Orders before the write: an unavailable order service fails the call with nothing changed.
      const userOrders = await ordersOf(req.id, ctx);
      const user = await users.update(req.id, req).catch((error) => {
        throw emailTaken(error);
      });
      if (!user) throw new ConnectError(`user ${req.id} not found`, Code.NotFound);
      return create(UserSchema, { ...user, orders: userOrders });
    },
    async deleteUser(req, ctx) {
      requireWriteUser(callerOf(ctx), req.id);
      const user = await users.byId(req.id);
      if (!user) throw new ConnectError(`user ${req.id} not found`, Code.NotFound);
      // Cancelled orders stay for the record and do not block; placed ones would be orphaned.
      const placed = (await ordersOf(user.id, ctx)).filter((o) => o.status !== OrderStatus.CANCELLED).length;
      if (placed > 0) {
        const which = placed === 1 ? "1 placed order; cancel it first" : `${placed} placed orders; cancel them first`;
        throw new ConnectError(`user ${user.id} has ${which}`, Code.FailedPrecondition);
      }
      if (!(await users.delete(user.id))) throw new ConnectError(`user ${req.id} not found`, Code.NotFound);
      return create(EmptySchema);
    },
  };
}
