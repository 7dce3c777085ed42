import { create, toJson } from "@bufbuild/protobuf";
import { createRouterTransport } from "@connectrpc/connect";
import { GetAllUsersRequestSchema, GetUserRequestSchema, UserService, type GetAllUsersRequest, type GetUserRequest } from "@grpc-edge/proto/user/v1";
import { OrderService, type ListOrdersRequest } from "@grpc-edge/proto/orders/v1";
import { describe, expect, it } from "vitest";
import { adaJson, fixtureUsers, graceJson } from "../../test/user-fixtures.ts";
import { createApp } from "../create-app.ts";
import { GetAllUsersResponseSchema, GetUserResponseSchema, UserSchema } from "@grpc-edge/proto/user/v1";
import { ListOrdersResponseSchema } from "@grpc-edge/proto/orders/v1";

// ?fields= (AIP-157) against a service that ignores read_mask: the edge alone trims the answer.
function setup() {
  const received: unknown[] = [];
  const users = fixtureUsers.map((u) => create(UserSchema, u));
  const app = createApp({
    transport: createRouterTransport((router) => {
      router.service(UserService, {
        getUserById(req: GetUserRequest) {
          received.push(toJson(GetUserRequestSchema, req));
          return create(GetUserResponseSchema, { user: users.find((u) => u.id === req.id) });
        },
        getAllUsers(req: GetAllUsersRequest) {
          received.push(toJson(GetAllUsersRequestSchema, req));
          return create(GetAllUsersResponseSchema, { users, nextPageToken: "next" });
        },
      } as never);
      router.service(OrderService, {
        listOrders: (req: ListOrdersRequest) => create(ListOrdersResponseSchema, { orders: users[0]!.orders, nextPageToken: String(req.pageSize) }),
      } as never);
    }),
    services: [UserService, OrderService],
    log: () => {},
  });
  return { app, received };
}

describe("?fields=: partial responses", () => {
  it("GET /api/users/{id}: only the named fields of the user, inside {user}; read_mask carries them in proto names", async () => {
    const { app, received } = setup();
    const res = await app.request("/api/users/1?fields=id,firstName");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ user: { id: 1, firstName: "Ada" } });
    expect(received).toEqual([{ id: 1, readMask: "id,firstName" }]);
  });

  it("nested paths go into lists: orders.item.name keeps only that of each order", async () => {
    const { app } = setup();
    const res = await app.request("/api/users/1?fields=email,orders.item.name,orders.id,orderCount");
    expect(await res.json()).toEqual({ user: { email: adaJson.email, orders: [{ item: { name: "Analytical Engine" }, id: 10 }], orderCount: 1 } });
  });

  it("a list: each element trimmed, the page token kept", async () => {
    const { app, received } = setup();
    const res = await app.request("/api/users?fields=id,lastName&pageSize=2");
    expect(await res.json()).toEqual({ users: [{ id: 1, lastName: "Lovelace" }, { id: 2, lastName: graceJson.lastName }], nextPageToken: "next" });
    expect(received).toEqual([{ pageSize: 2, readMask: "id,lastName" }]);
    const orders = await app.request("/api/users/1/orders?fields=amount&pageSize=3");
    expect(await orders.json()).toEqual({ orders: [{ amount: 2 }], nextPageToken: "3" });
  });

  it("the ETag is that of the selected representation", async () => {
    const { app } = setup();
    const whole = await app.request("/api/users/1");
    const part = await app.request("/api/users/1?fields=id");
    const again = await app.request("/api/users/1?fields=id");
    expect(part.headers.get("ETag")).not.toBe(whole.headers.get("ETag"));
    expect(again.headers.get("ETag")).toBe(part.headers.get("ETag"));
  });

  it.each([
    ["/api/users/1?fields=id,nickname", '"nickname" is not a field of User'],
    ["/api/users/1?fields=orders.item.price", '"orders.item.price" is not a field of User'],
    ["/api/users/1?fields=orders.orderDate.seconds", '"orders.orderDate.seconds" is not a field of User'],
    ["/api/users?fields=users", '"users" is not a field of User'],
    ["/api/users/1?fields=id&fields=email", "must be given once"],
  ])("%s → 400 naming the path, no upstream call", async (path, message) => {
    const { app, received } = setup();
    const res = await app.request(path);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ violations: [{ field: "fields", message: expect.stringContaining(message) }] });
    expect(received).toEqual([]);
  });

  it("no fields, or an empty list: the whole answer, no read_mask", async () => {
    const { app, received } = setup();
    expect(await (await app.request("/api/users/1?fields=")).json()).toEqual({ user: adaJson });
    expect(received).toEqual([{ id: 1 }]);
  });
});
