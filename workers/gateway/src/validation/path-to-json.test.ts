import { buildPath } from "@bufbuild/protobuf/reflect";
import { OrdersByUserIdsRequestSchema } from "@grpc-edge/proto/orders/v1";
import { UpdateUserRequestSchema } from "@grpc-edge/proto/user/v1";
import { describe, expect, it } from "vitest";
import { testProtos } from "../../test/load-test-protos.ts";
import { testMessage } from "../../test/validation-test-protos.ts";
import { pathToJson } from "./path-to-json.ts";

const Nested = testMessage("Nested");
const Maps = testMessage("Maps");
const Inner = testMessage("Inner");

// Oneof names JavaScript reserves (test/protos/validation/paths/v1/odd.proto).
const Odd = (await testProtos).getMessage("validation.paths.v1.Odd")!;

describe("pathToJson", () => {
  it.each([
    ["the message itself", buildPath(Nested).toPath(), ""],
    ["a field in JSON naming", buildPath(UpdateUserRequestSchema).field(UpdateUserRequestSchema.field.firstName).toPath(), "firstName"],
    ["a list item", buildPath(OrdersByUserIdsRequestSchema).field(OrdersByUserIdsRequestSchema.field.userIds).list(3).toPath(), "userIds[3]"],
    ["a field of a list item", buildPath(Nested).field(Nested.field.inners).list(1).field(Inner.field.s).toPath(), "inners[1].s"],
    ["a string map key, quoted as JSON", buildPath(Nested).field(Nested.field.byName).map('a"b').toPath(), 'byName["a\\"b"]'],
    ["a field of a map value", buildPath(Nested).field(Nested.field.byName).map("k").field(Inner.field.n).toPath(), 'byName["k"].n'],
    ["an int64 map key", buildPath(Maps).field(Maps.field.intKeys).map(5n).toPath(), "intKeys[5]"],
    ["a bool map key", buildPath(Maps).field(Maps.field.enumValues).map(true).toPath(), "enumValues[true]"],
    ["a oneof, camel-cased", buildPath(Odd).oneof(Odd.oneofs[1]!).toPath(), "paymentMethod"],
    ["a oneof with a reserved name, unescaped", buildPath(Odd).oneof(Odd.oneofs[0]!).toPath(), "constructor"],
    ["a field in a oneof", buildPath(Odd).field(Odd.field.cardNumber).toPath(), "cardNumber"],
  ])("%s", (_, path, expected) => {
    expect(pathToJson(path)).toBe(expected);
  });
});

