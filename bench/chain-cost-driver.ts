// Runs inside workerd (bundled by chain-cost.ts together with a checkout's gateway):
// `GET /run?scenario=getUser&n=2000` sends n requests through the gateway's own fetch
// handler, one after another, with the same env workerd gave this Worker, and upstream
// fetch() answered from memory with fixed Connect replies. What workerd's CPU does
// during it is the gateway's JS and Workers API work per request, without the sockets.
import { create, toBinary } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { OrderSchema, OrderStatus, type Order } from "@grpc-edge/proto/orders/v1";
import { GetAllUsersResponseSchema, GetUserResponseSchema, type User } from "@grpc-edge/proto/user/v1";
// @ts-expect-error: resolved by chain-cost.ts's bundler to the checkout under test.
import gateway from "chain-cost:gateway";

const placedAtMs = Date.UTC(2026, 0, 1);
const utf8 = new TextEncoder();

function ordersOf(userId: number): Order[] {
  return Array.from({ length: 10 }, (_, i) =>
    create(OrderSchema, { id: userId * 10 + i, userId, item: { id: i + 1, name: `Item ${i + 1}` }, orderDate: timestampFromMs(placedAtMs + i * 1000), amount: i + 1, status: OrderStatus.PLACED }),
  );
}

function userOf(id: number): User {
  return { $typeName: "user.v1.User", id, firstName: `First${id}`, lastName: `Last${id}`, email: `user${id}@example.com`, orders: ordersOf(id), orderCount: 10 };
}

/** The upstream replies, by RPC: a user with 10 orders, a page of 50 such users, one new order. */
const replies: Record<string, Uint8Array> = {
  "user.v1.UserService/GetUserById": toBinary(GetUserResponseSchema, create(GetUserResponseSchema, { user: userOf(1) })),
  "user.v1.UserService/GetAllUsers": toBinary(GetAllUsersResponseSchema, create(GetAllUsersResponseSchema, { users: Array.from({ length: 50 }, (_, i) => userOf(i + 1)), nextPageToken: "50" })),
  "orders.v1.OrderService/CreateOrder": toBinary(OrderSchema, ordersOf(1)[0]!),
};

let upstreamCalls = 0;
function upstreamFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  const rpc = new URL(url).pathname.slice(1);
  const body = replies[rpc];
  if (body === undefined) return Promise.resolve(new Response(`{"code":"unimplemented","message":"${rpc}"}`, { status: 404, headers: { "content-type": "application/json" } }));
  upstreamCalls++;
  void init;
  // As connect-node answers a unary call: sized.
  return Promise.resolve(new Response(body, { headers: { "content-type": "application/proto", "content-length": String(body.byteLength) } }));
}

interface Scenario {
  path: string;
  method: string;
  body?: string;
}

const scenarios: Record<string, Scenario> = {
  getUser: { method: "GET", path: "/api/users/1" },
  listUsers: { method: "GET", path: "/api/users?page_size=50" },
  createOrder: { method: "POST", path: "/api/users/1/orders", body: '{"itemId":3,"amount":1}' },
  healthz: { method: "GET", path: "/healthz" },
};

const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} };

export default {
  async fetch(request: Request, env: object): Promise<Response> {
    const url = new URL(request.url);
    const scenario = scenarios[url.searchParams.get("scenario") ?? ""];
    if (scenario === undefined) return new Response("unknown scenario\n", { status: 400 });
    const n = Number(url.searchParams.get("n") ?? "1000");
    const authorization = request.headers.get("authorization") ?? "";
    globalThis.fetch = upstreamFetch as typeof fetch;
    upstreamCalls = 0;
    const statuses = new Map<number, number>();
    let lastBody = "";
    for (let i = 0; i < n; i++) {
      const headers: Record<string, string> = { authorization, "x-request-id": `chain-${i}` };
      // As wrk sends a body: typed and sized.
      if (scenario.body !== undefined) Object.assign(headers, { "content-type": "application/json", "content-length": String(utf8.encode(scenario.body).byteLength) });
      const req = new Request(`http://gateway.local${scenario.path}`, { method: scenario.method, headers, body: scenario.body ?? null });
      const res: Response = await gateway.fetch(req, env, ctx);
      lastBody = await res.text();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
    // Work the requests left behind (deadline timers firing later) is billed to the batch too.
    const settleMs = Number(url.searchParams.get("settleMs") ?? "0");
    if (settleMs > 0) await new Promise((resolve) => setTimeout(resolve, settleMs));
    return Response.json({ statuses: Object.fromEntries(statuses), upstreamCalls, lastBody });
  },
};
