// Idempotency-Key on the creates (docs/security.md), over native gRPC against the
// real services, on PGlite and on PostgreSQL: CreateUser is enforced by the user
// service, CreateOrder by the order service behind the user service's facade.
import { errorInfoOf, grpc } from "@grpc-edge/service-kit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engines, startPair, stopPostgres } from "./service-pair.ts";
import { grpcJsClients } from "./grpc-js-clients.ts";

afterAll(stopPostgres);

type Clients = ReturnType<typeof grpcJsClients>;
const withKey = (key: string) => ({ metadata: { "idempotency-key": key } });
const reasonOf = (error: grpc.ServiceError) => errorInfoOf(error).map((i) => `${i.domain}/${i.reason}`);
let sequence = 0;
const unique = () => `${Date.now().toString(36)}-${++sequence}`;

describe.each(engines("idem"))("Idempotency-Key on %s", (engine, databases) => {
  let pair: Awaited<ReturnType<typeof startPair>>;
  let admin: Clients;
  let buyer: number;
  const ordersOf = async (userId: number) => (await admin.call(admin.order, "ListOrders", { user_id: userId, page_size: 500 })).orders as any[];

  beforeAll(async () => {
    pair = await startPair(await databases());
    admin = grpcJsClients(pair.user.url);
    buyer = (await admin.call(admin.user, "CreateUser", { first_name: "B", last_name: "Uyer", email: `buyer-${unique()}@example.com` })).id;
  });
  afterAll(async () => {
    admin?.close();
    await pair?.stop();
  });

  it("CreateUser: a repeat replays the stored answer (same id, one user); another payload is IDEMPOTENCY_KEY_REUSED", async () => {
    const key = unique();
    const fields = { first_name: "Ida", last_name: "Empotent", email: `ida-${key}@example.com` };
    const first = await admin.call(admin.user, "CreateUser", fields, 5_000, withKey(key));
    const again = await admin.call(admin.user, "CreateUser", fields, 5_000, withKey(key));
    expect(again).toEqual(first);
    const reused = await admin.fail(admin.user, "CreateUser", { ...fields, last_name: "Other" }, 5_000, withKey(key));
    expect([reused.code, reasonOf(reused)]).toEqual([grpc.status.INVALID_ARGUMENT, ["grpc-edge.dev/IDEMPOTENCY_KEY_REUSED"]]);
    const users = (await admin.call(admin.user, "GetAllUsers", { page_size: 500 })).users as any[];
    expect(users.filter((u) => u.email === fields.email).map((u) => u.id)).toEqual([first.id]);
    // Without a key, the same request is simply a second create (here: the email is taken).
    expect((await admin.fail(admin.user, "CreateUser", fields)).code).toBe(grpc.status.ALREADY_EXISTS);
  });

  it("a failed first attempt releases the key, so that a retry with it can succeed", async () => {
    const key = unique();
    const email = `taken-${key}@example.com`;
    const blocker = await admin.call(admin.user, "CreateUser", { first_name: "Block", last_name: "Er", email });
    const fields = { first_name: "Late", last_name: "Comer", email };
    expect((await admin.fail(admin.user, "CreateUser", fields, 5_000, withKey(key))).code).toBe(grpc.status.ALREADY_EXISTS);
    await admin.call(admin.user, "DeleteUser", { id: blocker.id });
    const created = await admin.call(admin.user, "CreateUser", fields, 5_000, withKey(key));
    expect(created).toMatchObject(fields);
    expect(await admin.call(admin.user, "CreateUser", fields, 5_000, withKey(key))).toEqual(created);
  });

  it.each([
    ["with a space", "a b"],
    ["of 256 characters", "k".repeat(256)],
    ["that is empty", ""],
  ])("refuses a key %s: INVALID_ARGUMENT, nothing created", async (_case, key) => {
    const email = `bad-key-${unique()}@example.com`;
    const error = await admin.fail(admin.user, "CreateUser", { first_name: "K", last_name: "K", email }, 5_000, withKey(key));
    expect([error.code, reasonOf(error)]).toEqual([grpc.status.INVALID_ARGUMENT, ["grpc-edge.dev/IDEMPOTENCY_KEY_INVALID"]]);
  });

  it("keys belong to their caller: another user's identical key is a different key", async () => {
    const other = (await admin.call(admin.user, "CreateUser", { first_name: "O", last_name: "T", email: `other-${unique()}@example.com` })).id;
    const [asBuyer, asOther] = [grpcJsClients(pair.user.url, { sub: buyer }), grpcJsClients(pair.user.url, { sub: other })];
    try {
      const key = unique();
      const mine = await asBuyer.call(asBuyer.order, "CreateOrder", { user_id: buyer, item_id: 1, amount: 1 }, 5_000, withKey(key));
      const theirs = await asOther.call(asOther.order, "CreateOrder", { user_id: other, item_id: 1, amount: 1 }, 5_000, withKey(key));
      expect(theirs.id).not.toBe(mine.id);
      expect(theirs.user_id).toBe(other);
    } finally {
      asBuyer.close();
      asOther.close();
    }
  });

  it("exactly once: 20 concurrent CreateOrder calls with one key create ONE order; each caller gets it or IN_FLIGHT", async () => {
    const key = unique();
    const before = (await ordersOf(buyer)).length;
    const request = { user_id: buyer, item_id: 2, amount: 3 };
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () =>
        admin.call(admin.order, "CreateOrder", request, 10_000, withKey(key)).then(
          (order) => ({ order }),
          (error: grpc.ServiceError) => ({ error: `${error.code} ${reasonOf(error).join()}` }),
        ),
      ),
    );
    const orders = await ordersOf(buyer);
    expect(orders.length).toBe(before + 1);
    const created = orders.at(-1);
    for (const outcome of outcomes) {
      if ("order" in outcome) expect(outcome.order).toEqual(created);
      else expect(outcome.error).toBe(`${grpc.status.ABORTED} grpc-edge.dev/IDEMPOTENCY_KEY_IN_FLIGHT`);
    }
    expect(outcomes.filter((o) => "order" in o).length).toBeGreaterThanOrEqual(1);
    // Once the first has finished, every repeat replays it.
    expect(await admin.call(admin.order, "CreateOrder", request, 5_000, withKey(key))).toEqual(created);
    expect((await ordersOf(buyer)).length).toBe(before + 1);
    void engine;
  });
});
