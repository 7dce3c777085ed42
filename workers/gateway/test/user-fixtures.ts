import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, type HandlerContext, type ServiceImpl } from "@connectrpc/connect";
import { OrderStatus } from "@grpc-edge/proto/orders/v1";
import { UserService, type UserSchema } from "@grpc-edge/proto/user/v1";

// Shared by the in-memory unit tests and the workerd test, so both assert the same JSON.

export const fixtureUsers: MessageInitShape<typeof UserSchema>[] = [
  {
    id: 1,
    firstName: "Ada",
    lastName: "Lovelace",
    email: "ada@example.com",
    orders: [
      {
        id: 10,
        userId: 1,
        item: { id: 100, name: "Analytical Engine" },
        orderDate: timestampFromDate(new Date("2023-05-01T00:00:00Z")),
        amount: 2,
        status: OrderStatus.PLACED,
      },
    ],
    orderCount: 1,
  },
  // No orders: the REST body still carries "orders": [].
  { id: 2, firstName: "Grace", lastName: "Hopper", email: "grace@example.com" },
];

/** What a REST caller sees for user 1: proto3 JSON, camelCase, RFC 3339 timestamps. */
export const adaJson = {
  id: 1,
  firstName: "Ada",
  lastName: "Lovelace",
  email: "ada@example.com",
  orders: [
    {
      id: 10,
      userId: 1,
      item: { id: 100, name: "Analytical Engine" },
      orderDate: "2023-05-01T00:00:00Z",
      amount: 2,
      status: "ORDER_STATUS_PLACED",
    },
  ],
  orderCount: 1,
};

export const graceJson = { id: 2, firstName: "Grace", lastName: "Hopper", email: "grace@example.com", orders: [], orderCount: 0 };

export interface RecordedCall {
  method: "getUserById" | "getAllUsers";
  id?: number;
  /** The deadline the service saw (from connect-timeout-ms). */
  timeoutMs: number | undefined;
  requestId: string | null;
  /** W3C trace headers as the service received them. */
  traceparent: string | null;
  tracestate: string | null;
}

export interface FixtureUserService {
  impl: Partial<ServiceImpl<typeof UserService>>;
  calls: RecordedCall[];
}

/**
 * UserService over fixtureUsers that records every call. `before` runs first on each
 * call: throw from it to fail the call, or await to stall it.
 */
export function createFixtureUserService(
  before?: (ctx: HandlerContext) => Promise<void> | void,
): FixtureUserService {
  const calls: RecordedCall[] = [];
  const record = (ctx: HandlerContext, method: RecordedCall["method"], id?: number) =>
    calls.push({
      method,
      id,
      timeoutMs: ctx.timeoutMs(),
      requestId: ctx.requestHeader.get("x-request-id"),
      traceparent: ctx.requestHeader.get("traceparent"),
      tracestate: ctx.requestHeader.get("tracestate"),
    });

  const impl: Partial<ServiceImpl<typeof UserService>> = {
    async getUserById(req, ctx) {
      record(ctx, "getUserById", req.id);
      await before?.(ctx);
      if (req.id <= 0) throw new ConnectError("id must be positive", Code.InvalidArgument);
      const user = fixtureUsers.find((u) => u.id === req.id);
      if (user === undefined) throw new ConnectError(`user ${req.id} not found`, Code.NotFound);
      return { user };
    },
    async getAllUsers(_req, ctx) {
      record(ctx, "getAllUsers");
      await before?.(ctx);
      return { users: fixtureUsers };
    },
  };
  return { impl, calls };
}

/** A `before` hook that never answers: the call ends only when its deadline aborts it. */
export function stallUntilAborted(ctx: HandlerContext): Promise<void> {
  return new Promise((_, reject) => {
    ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason), { once: true });
  });
}
