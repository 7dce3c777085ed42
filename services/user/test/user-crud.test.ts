import { grpc, messageOf, violationsOf } from "@grpc-edge/service-kit/testing";
import { afterAll, describe, expect, it } from "vitest";
import { engines, stopPostgres } from "./service-pair.ts";
import { startUserAndOrder } from "./start-user-and-order.ts";

afterAll(stopPostgres);

describe.each(engines("crud"))("CreateUser, UpdateUser, DeleteUser on %s", (_engine, databases) => {
  const running = startUserAndOrder(databases);
  const call = (method: string, request: object) => running.clients.call(running.clients.user, method, request);
  const fail = (method: string, request: object) => running.clients.fail(running.clients.user, method, request);

  it("CreateUser creates a user without orders that GetUserById finds", async () => {
    const created = await call("CreateUser", { first_name: "Ana", last_name: "Anic", email: "ana.anic@example.com" });
    expect(created).toEqual({ id: expect.any(Number), first_name: "Ana", last_name: "Anic", email: "ana.anic@example.com", orders: [], order_count: 0 });
    expect(created.id).toBeGreaterThan(3);
    expect((await call("GetUserById", { id: created.id })).user).toEqual(created);
  });

  it("CreateUser with an email already taken, in whatever case, is ALREADY_EXISTS", async () => {
    const error = await fail("CreateUser", { first_name: "Petar", last_name: "Again", email: "Petar.Petrovic@GMAIL.com" });
    expect([error.code, messageOf(error)]).toEqual([grpc.status.ALREADY_EXISTS, "email is already taken"]);
  });

  it("CreateUser breaking the .proto rules lists every violation", async () => {
    const error = await fail("CreateUser", { first_name: "", last_name: "x".repeat(101), email: "not-an-email" });
    expect(error.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(violationsOf(error)).toEqual([
      "first_name: must be at least 1 characters",
      "last_name: must be at most 100 characters",
      "email: must be a valid email address",
    ]);
  });

  it("UpdateUser changes only the fields that are set, and returns the user with her orders", async () => {
    const updated = await call("UpdateUser", { id: 2, last_name: "Jovanovski" });
    expect(updated).toMatchObject({ id: 2, first_name: "Jovan", last_name: "Jovanovski", email: "jovan.jovanovic@gmail.com" });
    expect(updated.orders.map((o: any) => o.id)).toEqual([4]);
    expect(await call("UpdateUser", { id: 2 })).toEqual(updated);
    const renamed = await call("UpdateUser", { id: 2, first_name: "Jova", email: "JOVAN.jovanovic@gmail.com" });
    expect(renamed).toMatchObject({ first_name: "Jova", last_name: "Jovanovski", email: "JOVAN.jovanovic@gmail.com" });
    expect((await call("GetUserById", { id: 2 })).user).toEqual(renamed);
  });

  it("UpdateUser validates the fields that are set, refuses a taken email, and NOT_FOUND for an unknown user", async () => {
    const empty = await fail("UpdateUser", { id: 3, first_name: "" });
    expect([empty.code, violationsOf(empty)]).toEqual([grpc.status.INVALID_ARGUMENT, ["first_name: must be at least 1 characters"]]);
    const taken = await fail("UpdateUser", { id: 3, first_name: "Changed", email: "petar.petrovic@gmail.com" });
    expect(taken.code).toBe(grpc.status.ALREADY_EXISTS);
    expect((await call("GetUserById", { id: 3 })).user).toMatchObject({ first_name: "Jovica", email: "jovica.jovic@gamil.com" });
    const missing = await fail("UpdateUser", { id: 4_242, first_name: "Nobody" });
    expect([missing.code, messageOf(missing)]).toEqual([grpc.status.NOT_FOUND, "user 4242 not found"]);
  });

  it("DeleteUser refuses a user with placed orders with FAILED_PRECONDITION", async () => {
    const error = await fail("DeleteUser", { id: 1 });
    expect([error.code, messageOf(error)]).toEqual([grpc.status.FAILED_PRECONDITION, "user 1 has 3 placed orders; cancel them first"]);
    expect((await call("GetUserById", { id: 1 })).user.first_name).toBe("Petar");
  });

  it("DeleteUser deletes a user once her orders are cancelled; then she is NOT_FOUND", async () => {
    const { id } = await call("CreateUser", { first_name: "Short", last_name: "Lived", email: "short.lived@example.com" });
    const order = await running.clients.call(running.clients.order, "CreateOrder", { user_id: id, item_id: 1, amount: 1 });
    expect((await fail("DeleteUser", { id })).code).toBe(grpc.status.FAILED_PRECONDITION);
    await running.orderClients.call(running.orderClients.order, "CancelOrder", { id: order.id });
    expect(await call("DeleteUser", { id })).toEqual({});
    for (const method of ["GetUserById", "DeleteUser"]) {
      const error = await fail(method, { id });
      expect([error.code, messageOf(error)]).toEqual([grpc.status.NOT_FOUND, `user ${id} not found`]);
    }
    // The cancelled order stays, for the record.
    expect(await running.orderClients.call(running.orderClients.order, "GetOrder", { id: order.id })).toMatchObject({ status: "ORDER_STATUS_CANCELLED", user_id: id });
    expect((await fail("DeleteUser", { id: 0 })).code).toBe(grpc.status.INVALID_ARGUMENT);
  });
});
