import { ViolationsSchema } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import { Code, ConnectError } from "@connectrpc/connect";
import { ListOrdersRequestSchema } from "@grpc-edge/proto/orders/v1";
import { describe, expect, it } from "vitest";
import { DEFAULT_PAGE_SIZE, keysetPage, pageQuery } from "./keyset-page.ts";
import { decodePageToken, encodePageToken } from "./page-token.ts";

const query = (pageSize: number, pageToken = "", list = "orders:user=1") => pageQuery(ListOrdersRequestSchema, { pageSize, pageToken }, list);
const rows = (...ids: number[]) => ids.map((id) => ({ id }));

function invalidField(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    const connectError = ConnectError.from(error);
    expect(connectError.code).toBe(Code.InvalidArgument);
    return connectError.findDetails(ViolationsSchema).flatMap((d) => d.violations.map((v) => v.field?.elements[0]?.fieldName ?? ""));
  }
  return expect.unreachable("should throw");
}

describe("keyset pagination", () => {
  it("starts at the beginning with the default page size", () => {
    expect(query(0)).toEqual({ list: "orders:user=1", limit: DEFAULT_PAGE_SIZE, afterId: 0 });
    expect(query(500).limit).toBe(500);
  });

  it("cuts the look-ahead row off and chains pages by the last id", () => {
    const first = keysetPage(query(2), rows(3, 5, 8));
    expect(first.items).toEqual(rows(3, 5));
    expect(query(2, first.nextPageToken).afterId).toBe(5);
    expect(keysetPage(query(2), rows(3, 5))).toEqual({ items: rows(3, 5), nextPageToken: "" });
  });

  it("makes opaque URL-safe tokens", () => {
    const token = encodePageToken("users", 2_147_483_647);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodePageToken("users", token)).toBe(2_147_483_647);
  });

  it.each([
    ["not base64url", "!!!"],
    ["not JSON", Buffer.from("hello").toString("base64url")],
    ["another version", Buffer.from(JSON.stringify({ v: 2, list: "orders:user=1", after: 5 })).toString("base64url")],
    ["another list", encodePageToken("orders:user=2", 5)],
    ["a negative id", Buffer.from(JSON.stringify({ v: 1, list: "orders:user=1", after: -5 })).toString("base64url")],
    ["a fractional id", Buffer.from(JSON.stringify({ v: 1, list: "orders:user=1", after: 1.5 })).toString("base64url")],
    ["an id beyond int32", Buffer.from(JSON.stringify({ v: 1, list: "orders:user=1", after: 2 ** 31 })).toString("base64url")],
    ["a token cut short", encodePageToken("orders:user=1", 5).slice(0, -3)],
  ])("refuses a page_token that is %s with INVALID_ARGUMENT on page_token", (_what, token) => {
    expect(invalidField(() => query(10, token))).toEqual(["page_token"]);
  });

  it("refuses page sizes outside 0…500 even without protovalidate in front", () => {
    expect(invalidField(() => query(501))).toEqual(["page_size"]);
    expect(invalidField(() => query(-1))).toEqual(["page_size"]);
  });
});
