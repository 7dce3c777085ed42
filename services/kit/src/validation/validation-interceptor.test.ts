import { ViolationsSchema } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { CreateOrderRequestSchema, OrderService } from "@grpc-edge/proto/orders/v1";
import { describe, expect, it } from "vitest";
import { validationInterceptor } from "./validation-interceptor.ts";
import { fieldViolation, violationsError } from "./violations-error.ts";

function harness() {
  const handled: string[] = [];
  const transport = createRouterTransport(
    ({ service }) =>
      service(OrderService, {
        createOrder(req) {
          handled.push("CreateOrder");
          if (req.itemId === 99) throw violationsError([fieldViolation(CreateOrderRequestSchema.field.itemId, "item 99 does not exist", "item_id.exists")]);
          return { id: 1, userId: req.userId, amount: req.amount };
        },
        getOrdersByUserIds(req) {
          handled.push("GetOrdersByUserIds");
          return { orders: req.userIds.map((id) => ({ id, userId: id })) };
        },
        async *watchOrders(req) {
          handled.push("WatchOrders");
          yield { id: 1n, order: { userId: req.userId } };
        },
      }),
    { router: { interceptors: [validationInterceptor()] } },
  );
  return { client: createClient(OrderService, transport), handled };
}

async function failure(call: Promise<unknown>): Promise<ConnectError> {
  return call.then(
    () => expect.unreachable("the call should fail"),
    (error: unknown) => ConnectError.from(error),
  );
}

const violations = (error: ConnectError) => error.findDetails(ViolationsSchema).flatMap((d) => d.violations);
const fieldOf = (v: ReturnType<typeof violations>[number]) =>
  v.field?.elements.map((e) => (e.subscript.case === "index" ? `${e.fieldName}[${e.subscript.value}]` : e.fieldName)).join(".");

describe("validationInterceptor", () => {
  it("lets a valid request through to the handler", async () => {
    const { client, handled } = harness();
    expect((await client.createOrder({ userId: 1, itemId: 2, amount: 3 })).amount).toBe(3);
    expect(handled).toEqual(["CreateOrder"]);
  });

  it("rejects a request breaking the .proto rules with INVALID_ARGUMENT and every violation, before the handler", async () => {
    const { client, handled } = harness();
    const error = await failure(client.createOrder({ userId: 0, itemId: 2, amount: 10_001 }));
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toBe("user_id: must be greater than 0; amount: must be greater than or equal to 1 and less than or equal to 10000");
    expect(violations(error).map((v) => [fieldOf(v), v.ruleId])).toEqual([
      ["user_id", "int32.gt"],
      ["amount", "int32.gte_lte"],
    ]);
    expect(handled).toEqual([]);
  });

  it("addresses repeated fields by index", async () => {
    const { client } = harness();
    const error = await failure(client.getOrdersByUserIds({ userIds: [1, 2, 3, -7] }));
    expect(violations(error).map((v) => `${fieldOf(v)}: ${v.message}`)).toEqual(["user_ids[3]: must be greater than 0"]);
    const tooMany = await failure(client.getOrdersByUserIds({ userIds: Array.from({ length: 1001 }, (_, i) => i + 1) }));
    expect(violations(tooMany).map(fieldOf)).toEqual(["user_ids"]);
  });

  it("checks the request of a server stream too, before its handler and any answer", async () => {
    const { client, handled } = harness();
    const received: number[] = [];
    const error = await failure((async () => {
      for await (const event of client.watchOrders({ userId: -1, afterEventId: -2n })) received.push(event.order?.userId ?? 0);
    })());
    expect([error.code, error.rawMessage]).toEqual([Code.InvalidArgument, "user_id: must be greater than 0; after_event_id: must be greater than or equal to 0"]);
    expect([received, handled]).toEqual([[], []]);
    for await (const event of client.watchOrders({ userId: 4 })) received.push(event.order?.userId ?? 0);
    expect([received, handled]).toEqual([[4], ["WatchOrders"]]);
  });

  it("gives a handler's own field violations the same shape", async () => {
    const { client } = harness();
    const error = await failure(client.createOrder({ userId: 1, itemId: 99, amount: 1 }));
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toBe("item_id: item 99 does not exist");
    expect(violations(error).map((v) => [fieldOf(v), v.ruleId, v.message])).toEqual([["item_id", "item_id.exists", "item 99 does not exist"]]);
  });
});
