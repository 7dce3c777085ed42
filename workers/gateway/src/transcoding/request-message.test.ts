import { toJson, type JsonValue } from "@bufbuild/protobuf";
import { UserService } from "@grpc-edge/proto/user/v1";
import { describe, expect, it } from "vitest";
import { LibraryService } from "../../test/library-service.ts";
import { GatewayError } from "../errors/gateway-error.ts";
import { httpBindings, type HttpBinding } from "./http-bindings.ts";
import { requestMessage } from "./request-message.ts";

const bindings = httpBindings([LibraryService, UserService]);

function bindingOf(method: string): HttpBinding {
  const found = bindings.find((b) => b.method.name === method && b.index === 0);
  if (found === undefined) throw new Error(`no binding for ${method}`);
  return found;
}

interface Parts {
  vars?: Record<string, string>;
  query?: string;
  body?: JsonValue;
}

/** The request message the RPC would receive, as proto3 JSON. */
function built(method: string, { vars = {}, query = "", body }: Parts): JsonValue {
  const binding = bindingOf(method);
  const message = requestMessage(binding, { vars: new Map(Object.entries(vars)), query: new URLSearchParams(query), body });
  return toJson(binding.method.input, message);
}

function violationsOf(method: string, parts: Parts): readonly { field: string; message: string }[] {
  try {
    built(method, parts);
  } catch (err) {
    if (err instanceof GatewayError && err.violations !== undefined) return err.violations;
    throw err;
  }
  throw new Error("expected the request to be refused");
}

const shelf = { parent: "shelves/1" };
const book1 = { name: "shelves/1/books/1" };
const bookPath = { "book.name": "shelves/1/books/1" };

describe("requestMessage builds the RPC request", () => {
  it.each<[string, string, Parts, JsonValue]>([
    ["path variable", "GetBook", { vars: book1 }, { name: "shelves/1/books/1" }],
    [
      'body: "field" + path + query',
      "CreateBook",
      { vars: shelf, query: "requestId=r1", body: { title: "Dune" } },
      { parent: "shelves/1", book: { title: "Dune" }, requestId: "r1" },
    ],
    ["proto field names in the body", "CreateBook", { vars: shelf, body: { page_count: "12", publish_time: "2020-01-01T00:00:00Z" } }, { parent: "shelves/1", book: { pageCount: "12", publishTime: "2020-01-01T00:00:00Z" } }],
    ["int64 as a string beyond 2^53", "CreateBook", { vars: shelf, body: { pageCount: "9007199254740993" } }, { parent: "shelves/1", book: { pageCount: "9007199254740993" } }],
    ["int64 as a JSON number", "CreateBook", { vars: shelf, body: { pageCount: 12 } }, { parent: "shelves/1", book: { pageCount: "12" } }],
    ["a Timestamp with an offset, normalised", "CreateBook", { vars: shelf, body: { publishTime: "2020-01-01T01:00:00+01:00" } }, { parent: "shelves/1", book: { publishTime: "2020-01-01T00:00:00Z" } }],
    ["an enum by name", "CreateBook", { vars: shelf, body: { genre: "GENRE_POETRY" } }, { parent: "shelves/1", book: { genre: "GENRE_POETRY" } }],
    ["an enum by number", "CreateBook", { vars: shelf, body: { genre: 1 } }, { parent: "shelves/1", book: { genre: "GENRE_FICTION" } }],
    ["nested messages and lists", "CreateBook", { vars: shelf, body: { author: { name: "Ursula" }, tags: ["a", "b"] } }, { parent: "shelves/1", book: { author: { name: "Ursula" }, tags: ["a", "b"] } }],
    ['null for body: "field" leaves it unset', "CreateBook", { vars: shelf, body: null }, { parent: "shelves/1" }],
    ["no body where the body is optional", "ArchiveBook", { vars: book1 }, { name: "shelves/1/books/1" }],
    ['body: "*" fills the rest of the message', "ArchiveBook", { vars: book1, body: { reason: "worn out" } }, { name: "shelves/1/books/1", reason: "worn out" }],
    // grpc-gateway's rule: the path wins over the same field inside a body field.
    ["a nested path variable wins over the body", "UpdateBook", { vars: bookPath, body: { name: "shelves/9/books/9", title: "New" }, query: "update_mask=title" }, { book: { name: "shelves/1/books/1", title: "New" }, updateMask: "title" }],
    ["an int32 path variable", "GetUserById", { vars: { id: "2147483647" } }, { id: 2147483647 }],
  ])("%s (%s)", (_, method, parts, expected) => {
    expect(built(method, parts)).toEqual(expected);
  });
});

describe("requestMessage refuses, naming every bad field by its REST path", () => {
  it.each<[string, string, Parts, { field: string; message: string }[]]>([
    ['a JSON array for body: "*"', "ArchiveBook", { vars: book1, body: [] }, [{ field: "", message: expect.stringContaining("must be a JSON object") }]],
    ['null for body: "*"', "ArchiveBook", { vars: book1, body: null }, [{ field: "", message: expect.stringContaining("not null") }]],
    ['a string for body: "*"', "ArchiveBook", { vars: book1, body: "x" }, [{ field: "", message: expect.stringContaining('not "x"') }]],
    ["an unknown field", "ArchiveBook", { vars: book1, body: { reason: "x", bogus: 1 } }, [{ field: "bogus", message: "is not a field of library.v1.ArchiveBookRequest" }]],
    ["an unknown nested field", "CreateBook", { vars: shelf, body: { author: { nickname: "x" } } }, [{ field: "book.author.nickname", message: "is not a field of library.v1.Author" }]],
    ["a fractional int64", "CreateBook", { vars: shelf, body: { pageCount: 1.5 } }, [{ field: "book.pageCount", message: expect.stringContaining("1.5") }]],
    ["a number for a string", "CreateBook", { vars: shelf, body: { title: 5 } }, [{ field: "book.title", message: "expected string, got 5" }]],
    ["a string for a list", "CreateBook", { vars: shelf, body: { tags: "a" } }, [{ field: "book.tags", message: expect.stringContaining("expected Array") }]],
    ["a scalar for a message", "CreateBook", { vars: shelf, body: { author: "Ursula" } }, [{ field: "book.author", message: "must be a JSON object (library.v1.Author)" }]],
    ["an array for a body field message", "CreateBook", { vars: shelf, body: [] }, [{ field: "book", message: "must be a JSON object (library.v1.Book)" }]],
    ["an unknown enum name", "CreateBook", { vars: shelf, body: { genre: "HORROR" } }, [{ field: "book.genre", message: "must be one of GENRE_UNSPECIFIED, GENRE_FICTION, GENRE_POETRY (or its number)" }]],
    ["a bad Timestamp", "CreateBook", { vars: shelf, body: { publishTime: "01/02/2020" } }, [{ field: "book.publishTime", message: expect.stringContaining("RFC 3339") }]],
    ["one field under both names", "CreateBook", { vars: shelf, body: { page_count: "1", pageCount: "2" } }, [{ field: "book.pageCount", message: 'is given twice, as "page_count" and "pageCount"' }]],
    ['the path\'s field inside a body: "*"', "ArchiveBook", { vars: book1, body: { name: "shelves/2/books/2" } }, [{ field: "name", message: "is taken from the path; leave it out of the body" }]],
    ["a query parameter the path binds", "ListBooks", { vars: shelf, query: "parent=shelves/2" }, [{ field: "parent", message: "is taken from the path" }]],
    ['a query parameter inside the body field', "CreateBook", { vars: shelf, query: "book.title=x" }, [{ field: "book.title", message: "belongs in the request body" }]],
    ['any query parameter with body: "*"', "ArchiveBook", { vars: book1, query: "reason=x" }, [{ field: "reason", message: "belongs in the request body" }]],
    ["an int32 path overflow", "GetUserById", { vars: { id: "2147483648" } }, [{ field: "id", message: expect.stringContaining("must be a 32-bit integer") }]],
    [
      "body, path and query problems together",
      "UpdateUser",
      { vars: { id: "x" }, query: "q=1", body: { first_name: 1, nickname: "a" } },
      [
        { field: "firstName", message: "expected string, got 1" },
        { field: "nickname", message: "is not a field of user.v1.UpdateUserRequest" },
        { field: "id", message: expect.stringContaining("32-bit integer") },
        { field: "q", message: "is not a query parameter of this operation" },
      ],
    ],
  ])("%s (%s)", (_, method, parts, expected) => {
    expect(violationsOf(method, parts)).toEqual(expected);
  });
});
