import { create, type DescMessage, type MessageInitShape } from "@bufbuild/protobuf";
import {
  CreateOrderRequestSchema,
  OrdersByUserIdsRequestSchema,
} from "@grpc-edge/proto/orders/v1";
import {
  CreateUserRequestSchema,
  GetAllUsersRequestSchema,
  UpdateUserRequestSchema,
} from "@grpc-edge/proto/user/v1";
import { describe, expect, it } from "vitest";
import { testMessage } from "../../test/validation-test-protos.ts";
import { pathToJson } from "./path-to-json.ts";
import { validateMessage } from "./validate-message.ts";

/** What the 400 shows (field, message) and the rule behind it. */
function violations<D extends DescMessage>(desc: D, init: MessageInitShape<D>) {
  return validateMessage(desc, create(desc, init)).map((v) => [pathToJson(v.path), v.ruleId, v.message]);
}

const tooLong = (n: number) => "x".repeat(n);

describe("the contract's requests", () => {
  it.each([
    ["UpdateUser: an unset optional email passes", UpdateUserRequestSchema, { id: 1 }, []],
    ["UpdateUser: an email set to \"\" fails", UpdateUserRequestSchema, { id: 1, email: "" }, [["email", "string.email_empty", "value is empty, which is not a valid email address"]]],
    ["UpdateUser: a first name set to \"\" fails", UpdateUserRequestSchema, { id: 1, firstName: "" }, [["firstName", "string.min_len", "must be at least 1 characters"]]],
    ["UpdateUser: id 0", UpdateUserRequestSchema, { id: 0, lastName: "Lovelace" }, [["id", "int32.gt", "must be greater than 0"]]],
    ["GetAllUsers: page_size 0 means the default", GetAllUsersRequestSchema, { pageSize: 0 }, []],
    ["GetAllUsers: page_size 501", GetAllUsersRequestSchema, { pageSize: 501 }, [["pageSize", "int32.gte_lte", "must be greater than or equal to 0 and less than or equal to 500"]]],
    ["GetAllUsers: page_token of 256 characters passes", GetAllUsersRequestSchema, { pageToken: tooLong(256) }, []],
    ["GetAllUsers: page_token of 257 characters", GetAllUsersRequestSchema, { pageToken: tooLong(257) }, [["pageToken", "string.max_len", "must be at most 256 characters"]]],
    [
      "CreateUser: all empty",
      CreateUserRequestSchema,
      {},
      [
        ["firstName", "string.min_len", "must be at least 1 characters"],
        ["lastName", "string.min_len", "must be at least 1 characters"],
        ["email", "string.email_empty", "value is empty, which is not a valid email address"],
      ],
    ],
    ["CreateUser: valid", CreateUserRequestSchema, { firstName: "Ada", lastName: "Lovelace", email: "ada@example.com" }, []],
    [
      "CreateUser: a 255-character email is too long, though well-formed",
      CreateUserRequestSchema,
      { firstName: "Ada", lastName: "L", email: `${tooLong(243)}@example.com` },
      [["email", "string.max_len", "must be at most 254 characters"]],
    ],
    ["OrdersByUserIds: the bad id's index", OrdersByUserIdsRequestSchema, { userIds: [1, 2, 3, 0] }, [["userIds[3]", "int32.gt", "must be greater than 0"]]],
    [
      "OrdersByUserIds: 1001 ids",
      OrdersByUserIdsRequestSchema,
      { userIds: Array.from({ length: 1001 }, (_, i) => i + 1) },
      [["userIds", "repeated.max_items", "must contain no more than 1000 item(s)"]],
    ],
    ["CreateOrder: amount 10001", CreateOrderRequestSchema, { userId: 1, itemId: 1, amount: 10_001 }, [["amount", "int32.gte_lte", "must be greater than or equal to 1 and less than or equal to 10000"]]],
  ] as [string, DescMessage, Record<string, unknown>, string[][]][])("%s", (_, desc, init, expected) => {
    expect(violations(desc, init)).toEqual(expected);
  });
});

describe("presence, required and ignore", () => {
  const Presence = testMessage("Presence");
  const valid = { reqString: "x", reqOptional: 1, reqMessage: { n: 1, s: "s" }, reqList: [1], reqMap: { k: 1 }, reqIgnoreZero: -1, choice: { case: "choiceB", value: 1 } };

  it("a valid message passes", () => expect(violations(Presence, valid)).toEqual([]));

  it("required: unset fields, empty list and map, unset oneof", () => {
    expect(violations(Presence, {})).toEqual([
      ["reqString", "required", "value is required"],
      ["reqOptional", "required", "value is required"],
      ["reqMessage", "required", "value is required"],
      ["reqList", "required", "value is required"],
      ["reqMap", "required", "value is required"],
      ["reqIgnoreZero", "required", "value is required"],
      ["choice", "required", "exactly one field is required in oneof"],
    ]);
  });

  it("a set oneof member is checked; an optional set to zero is checked, unset it is not", () => {
    expect(violations(Presence, { ...valid, choice: { case: "choiceA", value: "a" }, opt: 0 })).toEqual([
      ["choiceA", "string.min_len", "must be at least 2 characters"],
      ["opt", "int32.gt", "must be greater than 0"],
    ]);
  });

  it("ignore: IF_ZERO_VALUE skips the zero value only; ALWAYS skips even required", () => {
    expect(violations(Presence, { ...valid, ignoreZero: 0, ignoreAlways: 0, reqIgnoreZero: 0 })).toEqual([
      ["reqIgnoreZero", "required", "value is required"],
    ]);
    expect(violations(Presence, { ...valid, ignoreZero: 3, ignoredMessage: { n: -1 } })).toEqual([
      ["ignoreZero", "int32.gt", "must be greater than 5"],
    ]);
  });
});

describe("message oneof rules", () => {
  const MessageOneof = testMessage("MessageOneof");

  it("none set: one of the required rule's fields must be", () => {
    expect(violations(MessageOneof, { v: 1, u: "abc" })).toEqual([["", "message.oneof", "one of x, y must be set"]]);
  });

  it("two set: only one may be, and the set ones are checked", () => {
    expect(violations(MessageOneof, { x: "ab", y: 1, v: 1, u: "abc" })).toEqual([
      ["x", "string.min_len", "must be at least 3 characters"],
      ["", "message.oneof", "only one of x, y can be set"],
    ]);
  });

  it("members are ignored at their zero value; an explicit ignore wins", () => {
    expect(violations(MessageOneof, { y: 1, v: 1, u: "", z: true })).toEqual([
      ["u", "string.min_len", "must be at least 3 characters"],
    ]);
  });
});

describe("nesting: messages, lists, maps, wrappers", () => {
  it("paths into messages, list items and map entries, in JSON names", () => {
    const Nested = testMessage("Nested");
    const ok = { n: 1, s: "s" };
    expect(
      violations(Nested, { requiredInner: { n: 0, s: "s" }, inners: [ok, { n: 1, s: "" }], byName: { x: ok, kx: { n: 0, s: "s" } }, itemsAlways: [{ n: 0 }] }),
    ).toEqual([
      ["requiredInner.n", "int32.gt", "must be greater than 0"],
      ["inners[1].s", "string.min_len", "must be at least 1 characters"],
      ['byName["x"]', "string.prefix", "does not have prefix `k`"],
      ['byName["kx"].n', "int32.gt", "must be greater than 0"],
    ]);
  });

  it("list rules: size, unique, items with ignore", () => {
    const Lists = testMessage("Lists");
    expect(violations(Lists, { sized: [1], uniqueStrings: ["a", "a"], itemsIgnoreZero: ["", "a"], uniqueDoubles: [Number.NaN, Number.NaN], itemsAlways: [1] })).toEqual([
      ["uniqueStrings", "repeated.unique", "repeated value must contain unique items"],
      ["itemsIgnoreZero[1]", "string.min_len", "must be at least 2 characters"],
    ]);
    expect(violations(Lists, { sized: [], ignoreEmpty: [], uniqueDoubles: [0, -0] })).toEqual([
      ["sized", "repeated.min_items", "must contain at least 1 item(s)"],
      ["uniqueDoubles", "repeated.unique", "repeated value must contain unique items"],
    ]);
  });

  it("map rules: pairs, keys and values at the entry's path", () => {
    const Maps = testMessage("Maps");
    expect(violations(Maps, { sized: { a: 1 }, intKeys: { "0": "abcd" }, enumValues: { true: 9 }, ignoreZeroKeys: { "0": "", "7": "b" } })).toEqual([
      ["intKeys[0]", "int64.gt", "must be greater than 0"],
      ["intKeys[0]", "string.max_len", "must be at most 3 characters"],
      ["enumValues[true]", "enum.defined_only", "value must be one of the defined enum values"],
      ["ignoreZeroKeys[7]", "string.in", "must be in list [a]"],
    ]);
    expect(violations(Maps, { sized: { a: 1, b: 1, c: 1 } })).toEqual([["sized", "map.max_pairs", "map must be at most 2 entries"]]);
  });

  it("wrapper rules apply to the wrapped value when set", () => {
    const Wrappers = testMessage("Wrappers");
    expect(violations(Wrappers, { u32: 3 })).toEqual([]);
    expect(violations(Wrappers, { i32: 0, str: "a", u32: 4, plain: -1 })).toEqual([
      ["i32", "int32.gt", "must be greater than 0"],
      ["str", "string.min_len", "must be at least 2 characters"],
      ["str", "string.email", "must be a valid email address"],
      ["u32", "uint32.const", "must equal 3"],
    ]);
    expect(violations(Wrappers, {})).toEqual([["u32", "required", "value is required"]]);
  });
});
