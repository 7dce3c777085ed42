import { createRpcCounter, grpc, violationsOf } from "@grpc-edge/service-kit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engines, startPair, stopPostgres } from "./service-pair.ts";
import { grpcJsClients } from "./grpc-js-clients.ts";

afterAll(stopPostgres);

const GET_ALL_USERS = "user.v1.UserService/GetAllUsers";
const BATCHED_LOOKUP = "orders.v1.OrderService/GetOrdersByUserIds";

describe.each(engines("paging"))("GetAllUsers pagination on %s (60 users)", (_engine, databases) => {
  let pair: Awaited<ReturnType<typeof startPair>>;
  let clients: ReturnType<typeof grpcJsClients>;
  const userRpcs = createRpcCounter();
  const orderRpcs = createRpcCounter();
  const getAllUsers = (request: object) => clients.call(clients.user, "GetAllUsers", request);
  beforeAll(async () => {
    pair = await startPair(await databases(), { user: [userRpcs.interceptor], order: [orderRpcs.interceptor] });
    // 57 users beside the demo's 3, each with one order.
    await pair.user.db.query(
      "INSERT INTO users (first_name, last_name, email) SELECT 'First' || n, 'Last' || n, 'user' || n || '@example.com' FROM generate_series(4, 60) n",
    );
    await pair.order.db.query("INSERT INTO orders (user_id, item_id, amount) SELECT n, 1 + n % 4, n FROM generate_series(4, 60) n");
    clients = grpcJsClients(pair.user.url);
  });
  afterAll(async () => {
    clients?.close();
    await pair?.stop();
  });

  it.each([1, 2, 0, 500])("page_size %i costs one user-service RPC and ONE batched order-service RPC", async (pageSize) => {
    userRpcs.reset();
    orderRpcs.reset();
    const page = await getAllUsers({ page_size: pageSize });
    const expected = Math.min(pageSize || 50, 60);
    expect(page.users).toHaveLength(expected);
    expect(page.users.every((u: any) => u.orders.length > 0 || u.id === 3)).toBe(true);
    expect(page.next_page_token === "").toBe(expected === 60);
    expect(userRpcs.calls()).toEqual([GET_ALL_USERS]);
    expect(orderRpcs.calls()).toEqual([BATCHED_LOOKUP]);
  });

  it("walks every user once, in id order, with chained tokens and an empty one on the last page", async () => {
    orderRpcs.reset();
    const ids: number[] = [];
    const tokens: string[] = [];
    let token = "";
    do {
      const page = await getAllUsers({ page_size: 7, page_token: token });
      ids.push(...page.users.map((u: any) => u.id));
      token = page.next_page_token;
      tokens.push(token);
    } while (token);
    expect(ids).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(tokens).toHaveLength(9);
    expect(tokens.slice(0, -1).every((t) => t !== "")).toBe(true);
    expect(new Set(tokens).size).toBe(9);
    expect(orderRpcs.count(BATCHED_LOOKUP)).toBe(9);
  });

  it("sees users created between pages, without repeating any", async () => {
    const first = await getAllUsers({ page_size: 30 });
    const { id } = await clients.call(clients.user, "CreateUser", { first_name: "Late", last_name: "Comer", email: "late@example.com" });
    const second = await getAllUsers({ page_size: 500, page_token: first.next_page_token });
    expect(second.users.map((u: any) => u.id)).toEqual([...Array.from({ length: 30 }, (_, i) => i + 31), id]);
  });

  it("refuses a tampered page_token and a page_size over 500, before asking the order service", async () => {
    orderRpcs.reset();
    const { next_page_token: token } = await getAllUsers({ page_size: 1 });
    const tampered = Buffer.from(Buffer.from(token, "base64url").toString().replace('"v":1', '"v":9')).toString("base64url");
    for (const request of [{ page_token: tampered }, { page_token: "%%%" }, { page_token: token.slice(0, 10) }]) {
      const error = await clients.fail(clients.user, "GetAllUsers", request);
      expect([error.code, violationsOf(error)]).toEqual([grpc.status.INVALID_ARGUMENT, ["page_token: not a next_page_token of this list; start again without one"]]);
    }
    const tooBig = await clients.fail(clients.user, "GetAllUsers", { page_size: 501 });
    expect([tooBig.code, violationsOf(tooBig)]).toEqual([grpc.status.INVALID_ARGUMENT, ["page_size: must be greater than or equal to 0 and less than or equal to 500"]]);
    expect(orderRpcs.count(BATCHED_LOOKUP)).toBe(1); // the page_size 1 call only
  });
});
