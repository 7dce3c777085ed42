import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { Code, ConnectError, createClient, createRouterTransport, type ServiceImpl } from "@connectrpc/connect";
import { OrderService, OrderStatus } from "@grpc-edge/proto/orders/v1";
import { UserService } from "@grpc-edge/proto/user/v1";
import { authenticationGate, migrate, openPGliteDatabase, readMigrations, seedOnce, validationInterceptor, type Database } from "@grpc-edge/service-kit";
import { serviceTokenInterceptor, TEST_SERVICE_TOKEN_SECRET } from "@grpc-edge/service-kit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserRepository } from "./user-repository.ts";
import { userService } from "./user-service.ts";

// Unit level: the real repository on in-memory PGlite, the order service replaced
// by an in-memory router transport that records what the user service sends it.
let db: Database;
beforeAll(async () => {
  db = await openPGliteDatabase();
  await migrate(db, await readMigrations(fileURLToPath(new URL("../migrations", import.meta.url))), "test");
  await seedOnce(db, "demo", await readFile(fileURLToPath(new URL("../seed/demo.sql", import.meta.url)), "utf8"));
});
afterAll(() => db?.close());

interface OrderCall {
  method: string;
  timeoutMs?: number | undefined;
  requestId?: string | null;
  userIds: number[];
  maxOrders?: number;
}

function harness(makeOrders: (calls: OrderCall[]) => Partial<ServiceImpl<typeof OrderService>>) {
  const calls: OrderCall[] = [];
  const orders = createClient(OrderService, createRouterTransport(({ service }) => service(OrderService, makeOrders(calls))));
  const users = createClient(
    UserService,
    createRouterTransport(({ service }) => service(UserService, userService(new UserRepository(db), orders, 20)), {
      router: { interceptors: [validationInterceptor()], requestGate: authenticationGate(TEST_SERVICE_TOKEN_SECRET) },
      transport: { interceptors: [serviceTokenInterceptor()] },
    }),
  );
  return { users, calls };
}

/** Every user has one placed order (id = user id × 10), except user 3, who has none; `cancelled` users' orders are cancelled. */
const recordingOrders =
  (error?: ConnectError, cancelled: number[] = []) =>
  (calls: OrderCall[]): Partial<ServiceImpl<typeof OrderService>> => {
    const ordersOf = (ids: number[]) =>
      ids
        .filter((id) => id !== 3)
        .map((id) => ({ id: id * 10, userId: id, amount: 1, status: cancelled.includes(id) ? OrderStatus.CANCELLED : OrderStatus.PLACED }));
    return {
      getOrdersByUserId(req, ctx) {
        calls.push({ method: "GetOrdersByUserId", timeoutMs: ctx.timeoutMs(), requestId: ctx.requestHeader.get("x-request-id"), userIds: [req.userId], maxOrders: req.maxOrders });
        if (error) throw error;
        const orders = ordersOf([req.userId]);
        return { orders, orderCount: orders.length, placedCount: orders.filter((o) => o.status === OrderStatus.PLACED).length };
      },
      getOrdersByUserIds(req, ctx) {
        calls.push({ method: "GetOrdersByUserIds", timeoutMs: ctx.timeoutMs(), userIds: [...req.userIds], maxOrders: req.maxOrdersPerUser });
        if (error) throw error;
        const orders = ordersOf(req.userIds);
        return { orders, orderCounts: Object.fromEntries(orders.map((o) => [o.userId, 1])) };
      },
    };
  };

describe("UserService", () => {
  it("lists every user with their orders using ONE batched order-service call", async () => {
    const { users, calls } = harness(recordingOrders());
    const res = await users.getAllUsers({});
    expect(res.users.map((u) => [u.id, u.firstName, u.orders.map((o) => o.id)])).toEqual([
      [1, "Petar", [10]],
      [2, "Jovan", [20]],
      [3, "Jovica", []],
    ]);
    expect(res.nextPageToken).toBe("");
    expect(calls).toEqual([expect.objectContaining({ method: "GetOrdersByUserIds", userIds: [1, 2, 3] })]);
  });

  it("pages users: one batched call per page, for that page's users only", async () => {
    const { users, calls } = harness(recordingOrders());
    const first = await users.getAllUsers({ pageSize: 2 });
    const second = await users.getAllUsers({ pageSize: 2, pageToken: first.nextPageToken });
    expect([first.users.map((u) => u.id), second.users.map((u) => u.id), second.nextPageToken]).toEqual([[1, 2], [3], ""]);
    expect(calls.map((c) => [c.method, c.userIds])).toEqual([
      ["GetOrdersByUserIds", [1, 2]],
      ["GetOrdersByUserIds", [3]],
    ]);
  });

  it("passes the caller's remaining deadline and request id to the order service", async () => {
    const { users, calls } = harness(recordingOrders());
    await users.getUserById({ id: 1 }, { timeoutMs: 2_000, headers: { "x-request-id": "req-42" } });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.timeoutMs).toBeGreaterThan(1_000);
    expect(calls[0]!.timeoutMs).toBeLessThanOrEqual(2_000);
    expect(calls[0]!.requestId).toBe("req-42");
  });

  it.each([
    [0, Code.InvalidArgument],
    [-1, Code.InvalidArgument],
    [999, Code.NotFound],
  ])("GetUserById(%i) fails with %s and asks the order service nothing", async (id, code) => {
    const { users, calls } = harness(recordingOrders());
    await expect(users.getUserById({ id })).rejects.toMatchObject({ code });
    expect(calls).toEqual([]);
  });

  it.each([
    [Code.Unavailable, Code.Unavailable],
    [Code.DeadlineExceeded, Code.DeadlineExceeded],
    [Code.InvalidArgument, Code.Internal],
    [Code.Internal, Code.Internal],
  ])("an order-service %s becomes %s without leaking its message", async (downstream, expected) => {
    const { users } = harness(recordingOrders(new ConnectError("secret downstream detail", downstream)));
    const error = await users.getUserById({ id: 1 }).then(
      () => expect.unreachable(),
      (e: unknown) => ConnectError.from(e),
    );
    expect(error.code).toBe(expected);
    expect(error.message).not.toContain("secret downstream detail");
  });

  it("CreateUser asks the order service nothing; a taken email, whatever its case, is ALREADY_EXISTS", async () => {
    const { users, calls } = harness(recordingOrders());
    const created = await users.createUser({ firstName: "Ana", lastName: "Anic", email: "ana@example.com" });
    expect(created).toMatchObject({ firstName: "Ana", lastName: "Anic", email: "ana@example.com", orders: [] });
    await expect(users.createUser({ firstName: "Ana", lastName: "B", email: "ANA@example.com" })).rejects.toMatchObject({ code: Code.AlreadyExists });
    expect(calls).toEqual([]);
  });

  it("UpdateUser does not write when the order service is unavailable", async () => {
    const { users } = harness(recordingOrders(new ConnectError("down", Code.Unavailable)));
    await expect(users.updateUser({ id: 2, firstName: "Changed" })).rejects.toMatchObject({ code: Code.Unavailable });
    expect((await new UserRepository(db).byId(2))?.firstName).toBe("Jovan");
  });

  it("DeleteUser refuses a user with placed orders, and deletes one whose orders are all cancelled", async () => {
    const repository = new UserRepository(db);
    const placed = await repository.create({ firstName: "P", lastName: "P", email: "placed@example.com" });
    const cancelled = await repository.create({ firstName: "C", lastName: "C", email: "cancelled@example.com" });
    const { users } = harness(recordingOrders(undefined, [cancelled.id]));
    const error = await users.deleteUser({ id: placed.id }).then(
      () => expect.unreachable(),
      (e: unknown) => ConnectError.from(e),
    );
    expect([error.code, error.rawMessage]).toEqual([Code.FailedPrecondition, `user ${placed.id} has 1 placed order; cancel it first`]);
    await users.deleteUser({ id: cancelled.id });
    expect(await repository.byId(cancelled.id)).toBeUndefined();
    expect(await repository.byId(placed.id)).toBeDefined();
  });
});

describe("UserService field masks", () => {
  it("a read_mask without orders asks the order service nothing and returns only the named fields", async () => {
    const { users, calls } = harness(recordingOrders());
    const { user } = await users.getUserById({ id: 1, readMask: { paths: ["id", "first_name"] } });
    expect(user).toMatchObject({ id: 1, firstName: "Petar", lastName: "", email: "", orders: [], orderCount: 0 });
    const page = await users.getAllUsers({ pageSize: 2, readMask: { paths: ["email"] } });
    expect(page.users.map((u) => [u.id, u.email])).toEqual([
      [0, "petar.petrovic@gmail.com"],
      [0, "jovan.jovanovic@gmail.com"],
    ]);
    expect(calls).toEqual([]);
  });

  it("a read_mask naming orders (or a field inside them) asks for them, at most the embedded maximum", async () => {
    const { users, calls } = harness(recordingOrders());
    const { user } = await users.getUserById({ id: 1, readMask: { paths: ["orders.item.name", "order_count"] } });
    expect([user?.orders.map((o) => o.id), user?.orderCount, user?.firstName]).toEqual([[10], 1, ""]);
    await users.getAllUsers({ readMask: { paths: ["order_count"] } });
    expect(calls.map((c) => [c.method, c.maxOrders])).toEqual([
      ["GetOrdersByUserId", 20],
      ["GetOrdersByUserIds", 20],
    ]);
  });

  it("an unknown read_mask path is INVALID_ARGUMENT naming it, before any lookup", async () => {
    const { users, calls } = harness(recordingOrders());
    const error = await users.getUserById({ id: 1, readMask: { paths: ["id", "password", "orders.colour"] } }).then(
      () => expect.unreachable(),
      (e: unknown) => ConnectError.from(e),
    );
    expect([error.code, error.rawMessage]).toEqual([
      Code.InvalidArgument,
      'read_mask: "password" is not a field of User; read_mask: "orders.colour" is not a field of User',
    ]);
    expect(calls).toEqual([]);
  });

  it("an update_mask changes exactly the named fields; set fields it does not name are ignored", async () => {
    const { users } = harness(recordingOrders());
    const repository = new UserRepository(db);
    const before = await repository.create({ firstName: "Mask", lastName: "Before", email: "mask@example.com" });
    const after = await users.updateUser({ id: before.id, firstName: "Ignored", lastName: "After", updateMask: { paths: ["last_name"] } });
    expect([after.firstName, after.lastName, after.email]).toEqual(["Mask", "After", "mask@example.com"]);
  });

  it.each([
    [["first_name"], {}, 'first_name: cannot be cleared: it is in update_mask but has no value'],
    [["id"], {}, 'update_mask: "id" is not a field an update may change'],
    [["nickname", "email"], { email: "x@example.com" }, 'update_mask: "nickname" is not a field an update may change'],
  ])("update_mask %j with %j is INVALID_ARGUMENT, nothing written", async (paths, fields, message) => {
    const { users } = harness(recordingOrders());
    const repository = new UserRepository(db);
    const before = await repository.create({ firstName: "Kept", lastName: "Kept", email: `kept-${paths.join("-")}@example.com` });
    const error = await users.updateUser({ id: before.id, ...fields, updateMask: { paths } }).then(
      () => expect.unreachable(),
      (e: unknown) => ConnectError.from(e),
    );
    expect([error.code, error.rawMessage]).toEqual([Code.InvalidArgument, message]);
    expect(await repository.byId(before.id)).toEqual(before);
  });

  it("without an update_mask, only the fields that are set change (direct gRPC callers keep PATCH semantics)", async () => {
    const { users } = harness(recordingOrders());
    const before = await new UserRepository(db).create({ firstName: "No", lastName: "Mask", email: "nomask@example.com" });
    const after = await users.updateUser({ id: before.id, email: "nomask2@example.com" });
    expect([after.firstName, after.lastName, after.email]).toEqual(["No", "Mask", "nomask2@example.com"]);
  });
});
