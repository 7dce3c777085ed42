import { ViolationsSchema } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import { Code, ConnectError, createClient, createRouterTransport, type ServiceImpl } from "@connectrpc/connect";
import { CreateOrderRequestSchema, OrderService } from "@grpc-edge/proto/orders/v1";
import {
  authenticationGate,
  fieldViolation,
  migrate,
  openPGliteDatabase,
  readMigrations,
  validationInterceptor,
  violationsError,
  type Database,
} from "@grpc-edge/service-kit";
import { mintServiceToken, serviceTokenInterceptor, TEST_SERVICE_TOKEN_SECRET, type MintOptions } from "@grpc-edge/service-kit/testing";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orderFacade } from "./order-facade.ts";
import { UserRepository } from "./user-repository.ts";

// Unit level: the facade on the real user repository (in-memory PGlite, one
// user), the order service replaced by an in-memory router transport.
let db: Database;
let userId: number;
beforeAll(async () => {
  db = await openPGliteDatabase();
  await migrate(db, await readMigrations(fileURLToPath(new URL("../migrations", import.meta.url))), "test");
  userId = (await new UserRepository(db).create({ firstName: "Ana", lastName: "Anic", email: "ana@example.com" })).id;
});
afterAll(() => db?.close());

function harness(orderService: Partial<ServiceImpl<typeof OrderService>>, identity?: MintOptions) {
  const seen: { method: string; requestId: string | null; authorization?: string | null; idempotencyKey?: string | null }[] = [];
  const forwarded: { authorization: string | null; idempotencyKey: string | null }[] = [];
  const downstream = createRouterTransport(({ service }) => service(OrderService, orderService), {
    router: {
      interceptors: [
        (next) => (req) => {
          seen.push({ method: req.method.name, requestId: req.header.get("x-request-id") });
          forwarded.push({ authorization: req.header.get("authorization"), idempotencyKey: req.header.get("idempotency-key") });
          return next(req);
        },
      ],
    },
  });
  const facade = orderFacade(new UserRepository(db), createClient(OrderService, downstream));
  const client = createClient(
    OrderService,
    createRouterTransport(({ service }) => service(OrderService, facade), {
      router: { interceptors: [validationInterceptor()], requestGate: authenticationGate(TEST_SERVICE_TOKEN_SECRET) },
      transport: { interceptors: [serviceTokenInterceptor(identity)] },
    }),
  );
  return { client, seen, forwarded };
}

const failure = (call: Promise<unknown>) =>
  call.then(
    () => expect.unreachable("the call should fail"),
    (error: unknown) => ConnectError.from(error),
  );

describe("orderFacade (orders.v1.OrderService served by the user service)", () => {
  it("forwards a call with the caller's request id and remaining deadline, and returns the answer as it is", async () => {
    let timeoutMs: number | undefined;
    const { client, seen } = harness({
      listOrders(req, ctx) {
        timeoutMs = ctx.timeoutMs();
        return { orders: [{ id: 3, userId: req.userId }] };
      },
    });
    expect(await client.listOrders({ userId }, { headers: { "x-request-id": "req-7" }, timeoutMs: 2_000 })).toMatchObject({ orders: [{ id: 3, userId }] });
    expect(seen).toEqual([{ method: "ListOrders", requestId: "req-7" }]);
    expect(timeoutMs).toBeGreaterThan(1_000);
    expect(timeoutMs).toBeLessThanOrEqual(2_000);
  });

  it("checks the user of CreateOrder and ListOrders first: unknown is NOT_FOUND, and the order service is not asked", async () => {
    const { client, seen } = harness({ createOrder: () => ({}), listOrders: () => ({}) });
    // One call at a time: each rejection is handled as it happens.
    for (const call of [() => client.createOrder({ userId: 9_999, itemId: 1, amount: 1 }), () => client.listOrders({ userId: 9_999 })]) {
      const error = await failure(call());
      expect([error.code, error.rawMessage]).toEqual([Code.NotFound, "user 9999 not found"]);
    }
    expect(seen).toEqual([]);
    await client.listOrders({ userId });
    expect(seen.map((s) => s.method)).toEqual(["ListOrders"]);
  });

  it("keeps INVALID_ARGUMENT with its violations and NOT_FOUND with its message", async () => {
    const { client } = harness({
      createOrder(req) {
        throw violationsError([fieldViolation(CreateOrderRequestSchema.field.itemId, `item ${req.itemId} does not exist`, "item_id.exists")]);
      },
      listOrders: (req) => Promise.reject(new ConnectError(`orders of ${req.userId} not found`, Code.NotFound)),
    });
    const invalid = await failure(client.createOrder({ userId, itemId: 99, amount: 1 }));
    expect([invalid.code, invalid.rawMessage]).toEqual([Code.InvalidArgument, "item_id: item 99 does not exist"]);
    const [violations] = invalid.findDetails(ViolationsSchema);
    expect(violations?.violations.map((v) => [v.field?.elements[0]?.fieldName, v.message])).toEqual([["item_id", "item 99 does not exist"]]);
    const missing = await failure(client.listOrders({ userId }));
    expect([missing.code, missing.rawMessage]).toEqual([Code.NotFound, `orders of ${userId} not found`]);
  });

  it.each([
    [Code.Unavailable, Code.Unavailable],
    [Code.DeadlineExceeded, Code.DeadlineExceeded],
    [Code.Internal, Code.Internal],
    [Code.Unimplemented, Code.Internal],
  ])("an order-service %s becomes %s without leaking its message", async (downstream, expected) => {
    const { client } = harness({ listOrders: () => Promise.reject(new ConnectError("secret downstream detail", downstream)) });
    const error = await failure(client.listOrders({ userId }));
    expect(error.code).toBe(expected);
    expect(error.message).not.toContain("secret downstream detail");
  });

  it("serves nothing the gateway sends to the order service, nor the internal batched lookups", async () => {
    const { client, seen } = harness({
      listItems: () => ({ items: [] }),
      getItem: () => ({}),
      getOrder: () => ({}),
      cancelOrder: () => ({}),
      getOrdersByUserIds: () => ({ orders: [] }),
      getOrdersByUserId: () => ({ orders: [] }),
    });
    expect((await failure(client.listItems({}))).code).toBe(Code.Unimplemented);
    expect((await failure(client.getItem({ id: 1 }))).code).toBe(Code.Unimplemented);
    expect((await failure(client.getOrder({ id: 1 }))).code).toBe(Code.Unimplemented);
    expect((await failure(client.cancelOrder({ id: 1 }))).code).toBe(Code.Unimplemented);
    expect((await failure(client.getOrdersByUserIds({ userIds: [1] }))).code).toBe(Code.Unimplemented);
    expect((await failure(client.getOrdersByUserId({ userId: 1 }))).code).toBe(Code.Unimplemented);
    expect(seen).toEqual([]);
  });

  it("forwards the caller's own token and idempotency key, so the order service authorises the end user", async () => {
    const token = await mintServiceToken({ sub: userId, scope: "" });
    const { client, forwarded } = harness({ createOrder: (req) => ({ id: 7, userId: req.userId }) });
    await client.createOrder({ userId, itemId: 1, amount: 1 }, { headers: { authorization: `Bearer ${token}`, "idempotency-key": "k-1" } });
    expect(forwarded).toEqual([{ authorization: `Bearer ${token}`, idempotencyKey: "k-1" }]);
  });

  it("refuses CreateOrder and ListOrders for another user before looking her up: PERMISSION_DENIED, order service not asked", async () => {
    const { client, seen } = harness({ createOrder: () => ({}), listOrders: () => ({}) }, { sub: userId + 1, scope: "" });
    for (const id of [userId, 9_999]) {
      for (const call of [() => client.createOrder({ userId: id, itemId: 1, amount: 1 }), () => client.listOrders({ userId: id })]) {
        expect((await failure(call())).code).toBe(Code.PermissionDenied);
      }
    }
    expect(seen).toEqual([]);
  });
});
