import { toJson, type DescField } from "@bufbuild/protobuf";
import { reflect } from "@bufbuild/protobuf/reflect";
import { describe, expect, it } from "vitest";
import { libraryMessage } from "../../test/library-service.ts";
import { applyQueryParams } from "./query-params.ts";

const listBooks = libraryMessage("ListBooksRequest");
const updateBook = libraryMessage("UpdateBookRequest");
const notBound = () => undefined;

/** The request message the query string builds, as proto3 JSON, and the violations. */
function fromQuery(query: string, bound: (fields: readonly DescField[]) => string | undefined = notBound, desc = listBooks) {
  const root = reflect(desc);
  const violations = applyQueryParams(root, new URLSearchParams(query), bound);
  return { json: toJson(desc, root.message), violations };
}

describe("query parameters onto request fields", () => {
  it.each<[string, string, object]>([
    ["a scalar by proto name", "page_size=5", { pageSize: 5 }],
    ["a scalar by JSON name", "pageSize=5", { pageSize: 5 }],
    ["a string, decoded", "parent=shelves%2F1%20a", { parent: "shelves/1 a" }],
    ["+ is a space in a query", "parent=a+b", { parent: "a b" }],
    ["repeated keys fill a repeated field in order", "tags=b&tags=a&tags=b", { tags: ["b", "a", "b"] }],
    ["an enum by name", "genre=GENRE_POETRY", { genre: "GENRE_POETRY" }],
    ["an enum by number", "genre=1", { genre: "GENRE_FICTION" }],
    ["a repeated enum, names and numbers mixed", "genres=2&genres=GENRE_FICTION", { genres: ["GENRE_POETRY", "GENRE_FICTION"] }],
    ["a nested field with dots", "filter.author=Le%20Guin", { filter: { author: "Le Guin" } }],
    ["a nested field by JSON names", "filter.minPages=100", { filter: { minPages: "100" } }],
    ["an int64 beyond 2^53", "filter.min_pages=9007199254740993", { filter: { minPages: "9007199254740993" } }],
    ["two fields of one nested message", "filter.author=x&filter.min_pages=3", { filter: { author: "x", minPages: "3" } }],
    ["a Timestamp as RFC 3339", "filter.publishedAfter=2020-01-02T03:04:05.5Z", { filter: { publishedAfter: "2020-01-02T03:04:05.500Z" } }],
    ["an empty value is the empty string", "parent=", {}],
    ["no query at all", "", {}],
  ])("%s: ?%s", (_, query, expected) => {
    const { json, violations } = fromQuery(query);
    expect(violations).toEqual([]);
    expect(json).toEqual(expected);
  });

  it("a FieldMask as comma-separated paths", () => {
    const { json, violations } = fromQuery("update_mask=title,author.name", notBound, updateBook);
    expect(violations).toEqual([]);
    expect(json).toEqual({ updateMask: "title,author.name" });
  });
});

describe("query parameters that are refused", () => {
  it.each<[string, string, { field: string; message: string }[]]>([
    ["an unknown parameter", "bogus=1", [{ field: "bogus", message: "is not a query parameter of this operation" }]],
    ["an unknown nested parameter", "filter.bogus=1", [{ field: "filter.bogus", message: "is not a query parameter of this operation" }]],
    ["a path into a scalar", "parent.x=1", [{ field: "parent.x", message: "is not a query parameter of this operation" }]],
    ["int32 overflow", "page_size=2147483648", [{ field: "pageSize", message: expect.stringContaining('must be a 32-bit integer') }]],
    ["not a number", "pageSize=ten", [{ field: "pageSize", message: expect.stringContaining('(query parameter "pageSize")') }]],
    ["an unknown enum name", "genre=NOPE", [{ field: "genre", message: expect.stringContaining("must be one of GENRE_UNSPECIFIED") }]],
    ["a bad Timestamp", "filter.published_after=yesterday", [{ field: "filter.publishedAfter", message: expect.stringContaining("RFC 3339") }]],
    ["a singular field given twice", "page_size=1&page_size=2", [{ field: "pageSize", message: expect.stringContaining("must be given once") }]],
    ["one field under both names", "page_size=1&pageSize=2", [{ field: "pageSize", message: 'is given twice, as query parameters "page_size" and "pageSize"' }]],
    ["a whole message", "filter=x", [{ field: "filter", message: expect.stringContaining("set its fields one by one") }]],
    [
      "every bad parameter at once",
      "bogus=1&page_size=x&genre=NOPE",
      [
        { field: "bogus", message: expect.any(String) },
        { field: "pageSize", message: expect.any(String) },
        { field: "genre", message: expect.any(String) },
      ],
    ],
  ])("%s: ?%s", (_, query, expected) => {
    expect(fromQuery(query).violations).toEqual(expected);
  });

  it("a field the binding takes from elsewhere is refused with the binding's reason", () => {
    const bound = (fields: readonly DescField[]) => (fields[0]?.name === "parent" ? "is taken from the path" : undefined);
    const { json, violations } = fromQuery("parent=shelves/9&page_size=3", bound);
    expect(violations).toEqual([{ field: "parent", message: "is taken from the path" }]);
    expect(json).toEqual({ pageSize: 3 });
  });
});
