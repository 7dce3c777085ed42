// The per-user quota of placed orders (MAX_PLACED_ORDERS_PER_USER): one account cannot make
// her user's reply, or her order list, grow without bound. Real order service, PGlite and PostgreSQL.
import { startService, type RunningService } from "@grpc-edge/service-kit";
import { errorInfoOf, grpc, messageOf, testServiceEnv } from "@grpc-edge/service-kit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orderServiceDefinition } from "../src/index.ts";
import { grpcJsClients } from "../../user/test/grpc-js-clients.ts";
import { databaseEngines } from "./database-engines.ts";

const engines = databaseEngines("orders_quota");

describe.each(engines)("MAX_PLACED_ORDERS_PER_USER=2 on %s", (_engine, database) => {
  let service: RunningService;
  let clients: ReturnType<typeof grpcJsClients>;
  beforeAll(async () => {
    service = await startService(orderServiceDefinition, testServiceEnv({ SEED_DEMO_DATA: "true", MAX_PLACED_ORDERS_PER_USER: "2", ...(await database()) }));
    clients = grpcJsClients(service.url);
  });
  afterAll(async () => {
    clients?.close();
    await service?.stop(1_000);
  });
  const place = (userId: number, itemId = 1) => clients.call(clients.order, "CreateOrder", { user_id: userId, item_id: itemId, amount: 1 });

  it("refuses a third placed order with FAILED_PRECONDITION naming the limit, and nothing is written", async () => {
    const [first] = [await place(301), await place(301)];
    const refused = await clients.fail(clients.order, "CreateOrder", { user_id: 301, item_id: 1, amount: 1 });
    expect([refused.code, messageOf(refused)]).toEqual([grpc.status.FAILED_PRECONDITION, "user 301 has 2 placed orders, the most one user may have; cancel some first"]);
    expect(errorInfoOf(refused)).toEqual([expect.objectContaining({ reason: "ORDER_QUOTA_EXCEEDED", domain: "grpc-edge.dev", metadata: { limit: "2" } })]);
    expect((await clients.call(clients.order, "ListOrders", { user_id: 301 })).orders).toHaveLength(2);
    // Cancelled orders do not count: she may place one again.
    await clients.call(clients.order, "CancelOrder", { id: first.id });
    expect((await place(301)).status).toBe("ORDER_STATUS_PLACED");
  });

  it("counts per user, and an unknown item is still INVALID_ARGUMENT on item_id", async () => {
    await place(302);
    await place(302);
    expect((await place(303)).user_id).toBe(303);
    const unknownItem = await clients.fail(clients.order, "CreateOrder", { user_id: 304, item_id: 99_999, amount: 1 });
    expect(unknownItem.code).toBe(grpc.status.INVALID_ARGUMENT);
  });
});
