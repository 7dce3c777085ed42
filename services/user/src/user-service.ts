import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type HandlerContext, type ServiceImpl } from "@connectrpc/connect";
import { GetAllUsersResponseSchema, GetUserResponseSchema, UserSchema, UserService } from "@grpc-edge/proto/user/v1";
import { groupByUser, orderServiceError, type CallOptions, type OrderServiceClient } from "./order-client.ts";
import type { UserRepository } from "./user-repository.ts";

/** GetAllUsers answers at most this many users (the original contract has no paging). */
export const LIST_LIMIT = 1000;

/** Forwards the caller's remaining deadline, cancellation and request id downstream. */
function downstream(ctx: HandlerContext): CallOptions {
  const requestId = ctx.requestHeader.get("x-request-id");
  return { signal: ctx.signal, timeoutMs: ctx.timeoutMs(), headers: requestId ? { "x-request-id": requestId } : undefined };
}

export function userService(users: UserRepository, orders: OrderServiceClient): Partial<ServiceImpl<typeof UserService>> {
  return {
    async getUserById(req, ctx) {
      if (req.id <= 0) throw new ConnectError(`id must be a positive integer, got ${req.id}`, Code.InvalidArgument);
      const user = await users.byId(req.id);
      if (!user) throw new ConnectError(`user ${req.id} not found`, Code.NotFound);
      const res = await orders.getOrdersByUserId({ userId: user.id }, downstream(ctx)).catch((error) => {
        throw orderServiceError(error);
      });
      return create(GetUserResponseSchema, { user: create(UserSchema, { ...user, orders: res.orders }) });
    },
    async getAllUsers(_req, ctx) {
      const rows = await users.list(LIST_LIMIT);
      if (rows.length === 0) return create(GetAllUsersResponseSchema);
      // One batched call for all users, however many there are.
      const res = await orders.getOrdersByUserIds({ userIds: rows.map((u) => u.id) }, downstream(ctx)).catch((error) => {
        throw orderServiceError(error);
      });
      const byUser = groupByUser(res.orders);
      return create(GetAllUsersResponseSchema, {
        users: rows.map((user) => create(UserSchema, { ...user, orders: byUser.get(user.id) ?? [] })),
      });
    },
  };
}
