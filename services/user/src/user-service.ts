import { create } from "@bufbuild/protobuf";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, type HandlerContext, type ServiceImpl } from "@connectrpc/connect";
import {
  GetAllUsersRequestSchema,
  GetAllUsersResponseSchema,
  GetUserRequestSchema,
  GetUserResponseSchema,
  UpdateUserRequestSchema,
  UserSchema,
  UserService,
} from "@grpc-edge/proto/user/v1";
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
import { applyReadMask, requestedChanges, requireKnownPaths, wantsOrders } from "./field-masks.ts";
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
export function userService(users: UserRepository, orders: OrderServiceClient, embeddedOrdersMax: number): Partial<ServiceImpl<typeof UserService>> {
  /** Her most recent orders (at most embeddedOrdersMax, oldest first) and how many she has. */
  const recentOrdersOf = (userId: number, ctx: HandlerContext, maxOrders = embeddedOrdersMax) =>
    orders.getOrdersByUserId({ userId, maxOrders }, downstreamCallOptions(ctx)).catch((error: unknown) => {
      throw orderServiceError(error);
    });
  return {
    async getUserById(req, ctx) {
      requireReadUser(callerOf(ctx), req.id);
      requireKnownPaths(req.readMask, UserSchema, GetUserRequestSchema.field.readMask);
      const user = await users.byId(req.id);
      if (!user) throw new ConnectError(`user ${req.id} not found`, Code.NotFound);
      // Not asked for orders: the order service is not asked either.
      const recent = wantsOrders(req.readMask) ? await recentOrdersOf(user.id, ctx) : undefined;
      const found = create(UserSchema, { ...user, orders: recent?.orders ?? [], orderCount: recent?.orderCount ?? 0 });
      return create(GetUserResponseSchema, { user: applyReadMask(found, req.readMask) });
    },
    async getAllUsers(req, ctx) {
      requireScope(callerOf(ctx), Scopes.usersRead);
      requireKnownPaths(req.readMask, UserSchema, GetAllUsersRequestSchema.field.readMask);
      const query = pageQuery(GetAllUsersRequestSchema, req, "users");
      const page = keysetPage(query, await users.list(query.afterId, query.limit + 1));
      if (page.items.length === 0) return create(GetAllUsersResponseSchema);
      // One batched call for the whole page, whatever its size (at most 500 ids), and none
      // when the orders are not asked for.
      const res = wantsOrders(req.readMask)
        ? await orders
            .getOrdersByUserIds({ userIds: page.items.map((u) => u.id), maxOrdersPerUser: embeddedOrdersMax }, downstreamCallOptions(ctx))
            .catch((error) => {
              throw orderServiceError(error);
            })
        : undefined;
      const byUser = groupByUser(res?.orders ?? []);
      return create(GetAllUsersResponseSchema, {
        users: page.items.map((user) =>
          applyReadMask(create(UserSchema, { ...user, orders: byUser.get(user.id) ?? [], orderCount: res?.orderCounts[user.id] ?? 0 }), req.readMask),
        ),
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
      const changes = requestedChanges(req, UpdateUserRequestSchema);
      if (!(await users.byId(req.id))) throw new ConnectError(`user ${req.id} not found`, Code.NotFound);
      // Orders before the write: an unavailable order service fails the call with nothing changed.
      const recent = await recentOrdersOf(req.id, ctx);
      const user = await users.update(req.id, changes).catch((error) => {
        throw emailTaken(error);
      });
      if (!user) throw new ConnectError(`user ${req.id} not found`, Code.NotFound);
      return create(UserSchema, { ...user, orders: recent.orders, orderCount: recent.orderCount });
    },
    async deleteUser(req, ctx) {
      requireWriteUser(callerOf(ctx), req.id);
      const user = await users.byId(req.id);
      if (!user) throw new ConnectError(`user ${req.id} not found`, Code.NotFound);
      // Cancelled orders stay for the record and do not block; placed ones would be orphaned.
      // Only the counts are needed, not the orders.
      const { placedCount: placed } = await recentOrdersOf(user.id, ctx, 1);
      if (placed > 0) {
        const which = placed === 1 ? "1 placed order; cancel it first" : `${placed} placed orders; cancel them first`;
        throw new ConnectError(`user ${user.id} has ${which}`, Code.FailedPrecondition);
      }
      if (!(await users.delete(user.id))) throw new ConnectError(`user ${req.id} not found`, Code.NotFound);
      return create(EmptySchema);
    },
  };
}
