import { create } from "@bufbuild/protobuf";
import { CancelOrderRequestSchema, CreateOrderRequestSchema, OrderService } from "@grpc-edge/proto/orders/v1";
import { UpdateUserRequestSchema, UserService } from "@grpc-edge/proto/user/v1";
import { describe, expect, it } from "vitest";
import { httpBindings } from "../transcoding/http-bindings.ts";
import { restPathOf } from "./rest-path-of.ts";

const bindingOf = (name: string) => httpBindings([UserService, OrderService]).find((b) => b.method.name === name && b.index === 0)!;

describe("restPathOf", () => {
  it("fills path variables and the custom verb from the request message", () => {
    expect(restPathOf(bindingOf("CancelOrder"), create(CancelOrderRequestSchema, { id: 5 }))).toBe("/api/orders/5:cancel");
    expect(restPathOf(bindingOf("CreateOrder"), create(CreateOrderRequestSchema, { userId: 7, itemId: 1, amount: 2 }))).toBe("/api/users/7/orders");
    expect(restPathOf(bindingOf("UpdateUser"), create(UpdateUserRequestSchema, { id: 3, firstName: "Ana" }))).toBe("/api/users/3");
  });
});
