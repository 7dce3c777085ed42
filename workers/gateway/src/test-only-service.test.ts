import { create, toJson, type JsonValue } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { ViolationsSchema } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import { Code, ConnectError, createRouterTransport } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { createLibraryService, LibraryService, libraryMessage } from "../test/library-service.ts";
import { createApp } from "./create-app.ts";

// The claim: a service the gateway has no code for (library.v1, an annotated .proto in
// test/protos, compiled at test time) is published over REST from its google.api.http
// annotations alone.

/** `override` replaces methods of the in-memory LibraryService, e.g. to fail them. */
function setup(options: { maxBodyBytes?: number; override?: Record<string, () => unknown> } = {}) {
  const library = createLibraryService();
  const impl = { ...library.impl, ...options.override };
  const app = createApp({
    transport: createRouterTransport((router) => router.service(LibraryService, impl as never)),
    services: [LibraryService],
    log: () => {},
    ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
  });
  /** What the service received, per call, as proto3 JSON. */
  const received = () =>
    library.calls.map((call) => {
      const method = LibraryService.methods.find((m) => m.name === call.method)!;
      return { [call.method]: toJson(method.input, call.request) };
    });
  const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    app.request(path, {
      method,
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body), headers: { "Content-Type": "application/json", ...headers } }),
      ...(body === undefined && Object.keys(headers).length > 0 ? { headers } : {}),
    });
  return { app, send, received, books: library.books };
}

function failingGetBook(err: unknown) {
  return {
    getBook: () => {
      throw err;
    },
  };
}

const dune = {
  name: "shelves/1/books/1",
  title: "Dune",
  author: { name: "Frank Herbert" },
  genre: "GENRE_FICTION",
  publishTime: "1965-08-01T00:00:00Z",
  pageCount: "412",
  tags: ["sand", "spice"],
};

async function problemOf(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  const body = (await res.json()) as { type: string; title: string; status: number; detail: string; code: string; requestId: string; violations?: { field: string; message: string }[] };
  expect(body.status).toBe(status);
  expect(body.requestId).toBe(res.headers.get("x-request-id"));
  return body;
}

describe("every binding of LibraryService, as a REST caller sees it", () => {
  it.each<[string, string, string, unknown, JsonValue, JsonValue[]]>([
    ["GetBook: a multi-segment path variable", "GET", "/v1/shelves/1/books/1", undefined, dune, [{ GetBook: { name: "shelves/1/books/1" } }]],
    ["GetBook: its additional binding with **", "GET", "/v1/books/shelves/1/books/1", undefined, dune, [{ GetBook: { name: "shelves/1/books/1" } }]],
    [
      "ListBooks: path parent plus scalar, repeated, enum and nested query parameters",
      "GET",
      "/v1/shelves/1/books?page_size=5&tags=a&tags=b&genre=GENRE_POETRY&genres=1&genres=GENRE_POETRY&filter.author=Herbert&filter.publishedAfter=1960-01-01T00:00:00Z&filter.min_pages=100",
      undefined,
      { books: [dune], nextPageToken: "" },
      [
        {
          ListBooks: {
            parent: "shelves/1",
            pageSize: 5,
            tags: ["a", "b"],
            genre: "GENRE_POETRY",
            genres: ["GENRE_FICTION", "GENRE_POETRY"],
            filter: { author: "Herbert", publishedAfter: "1960-01-01T00:00:00Z", minPages: "100" },
          },
        },
      ],
    ],
    [
      'CreateBook: body: "book" plus a query parameter',
      "POST",
      "/v1/shelves/2/books?request_id=r-1",
      { title: "Solaris", page_count: "204", publishTime: "1961-06-01T00:00:00Z", genre: 1 },
      { name: "shelves/2/books/2", title: "Solaris", genre: "GENRE_FICTION", publishTime: "1961-06-01T00:00:00Z", pageCount: "204", tags: [] },
      [{ CreateBook: { parent: "shelves/2", book: { title: "Solaris", genre: "GENRE_FICTION", publishTime: "1961-06-01T00:00:00Z", pageCount: "204" }, requestId: "r-1" } }],
    ],
    [
      "UpdateBook: a nested path variable {book.name=…} inside the body field",
      "PATCH",
      "/v1/shelves/1/books/1?updateMask=title",
      { title: "Dune Messiah" },
      { ...dune, title: "Dune Messiah" },
      [{ UpdateBook: { book: { name: "shelves/1/books/1", title: "Dune Messiah" }, updateMask: "title" } }],
    ],
    [
      'ArchiveBook: custom verb, body: "*", response_body: "book"',
      "POST",
      "/v1/shelves/1/books/1:archive",
      { reason: "worn out" },
      dune,
      [{ ArchiveBook: { name: "shelves/1/books/1", reason: "worn out" } }],
    ],
    ["ArchiveBook: an empty body where the body is optional", "POST", "/v1/shelves/1/books/1:archive", "", dune, [{ ArchiveBook: { name: "shelves/1/books/1" } }]],
  ])("%s", async (_, method, path, body, expected, calls) => {
    const { send, received } = setup();
    const res = await send(method, path, body);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual(expected);
    expect(received()).toEqual(calls);
  });

  it("HEAD is served by GET, without a body", async () => {
    const { send, received } = setup();
    const res = await send("HEAD", "/v1/shelves/1/books/1");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
    expect(received()).toEqual([{ GetBook: { name: "shelves/1/books/1" } }]);
  });

  it("the RPC without an annotation is not published", async () => {
    const { send, received } = setup();
    for (const path of ["/library.v1.LibraryService/Ping", "/v1/ping", "/v1/Ping"]) {
      const body = await problemOf(await send("POST", path, {}), 404);
      expect(body.code).toBe("not_found");
    }
    expect(received()).toEqual([]);
  });

  it("an unset response_body field is null", async () => {
    const { send } = setup({ override: { archiveBook: () => create(libraryMessage("ArchiveBookResponse"), { archiveTime: timestampNow() }) } });
    const res = await send("POST", "/v1/shelves/1/books/1:archive", {});
    expect(res.status).toBe(200);
    expect(await res.json()).toBeNull();
  });

  it("output always carries every field (alwaysEmitImplicit), defaults included", async () => {
    const { send } = setup();
    const res = await send("POST", "/v1/shelves/3/books", {});
    expect(await res.json()).toEqual({ name: "shelves/3/books/2", title: "", genre: "GENRE_UNSPECIFIED", pageCount: "0", tags: [] });
  });
});

interface EdgeRow {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  maxBodyBytes?: number;
  status: number;
  violations?: { field: string; message: unknown }[];
  detail?: string;
  allow?: string;
}

const archiveBody = JSON.stringify({ reason: "x".repeat(20) });

describe("edge cases: refused at the edge, the service never called", () => {
  it.each<EdgeRow>([
    { name: "malformed %zz in the path", method: "GET", path: "/v1/shelves/1/books/%zz", status: 400, detail: "malformed percent-encoding" },
    { name: "a trailing slash", method: "GET", path: "/v1/shelves/1/books/1/", status: 404 },
    { name: "an empty segment", method: "GET", path: "/v1/shelves//books/1", status: 404 },
    { name: "an unknown path", method: "GET", path: "/v2/shelves/1/books/1", status: 404 },
    { name: "a custom verb with the wrong method", method: "GET", path: "/v1/shelves/1/books/1:archive", status: 405, allow: "POST" },
    { name: "a known path with the wrong method", method: "DELETE", path: "/v1/shelves/1/books/1", status: 405, allow: "GET, HEAD, PATCH" },
    { name: "PUT on a collection", method: "PUT", path: "/v1/shelves/1/books", status: 405, allow: "GET, HEAD, POST" },
    { name: "int32 overflow in the query", method: "GET", path: "/v1/shelves/1/books?page_size=2147483648", status: 400, violations: [{ field: "pageSize", message: expect.stringContaining("32-bit integer") }] },
    { name: "a value the contract's rules refuse", method: "GET", path: "/v1/shelves/1/books?pageSize=500", status: 400, violations: [{ field: "pageSize", message: expect.stringContaining("100") }] },
    { name: "a query parameter the path binds", method: "GET", path: "/v1/shelves/1/books?parent=shelves/2", status: 400, violations: [{ field: "parent", message: "is taken from the path" }] },
    { name: "an unknown query parameter", method: "GET", path: "/v1/shelves/1/books?sort=title", status: 400, violations: [{ field: "sort", message: "is not a query parameter of this operation" }] },
    { name: "an unknown enum in the query", method: "GET", path: "/v1/shelves/1/books?genre=HORROR", status: 400, violations: [{ field: "genre", message: expect.stringContaining("must be one of") }] },
    { name: "an unknown JSON field, named", method: "POST", path: "/v1/shelves/1/books", body: { title: "x", isbn: "123" }, status: 400, violations: [{ field: "book.isbn", message: "is not a field of library.v1.Book" }] },
    { name: "int64 overflow in the body", method: "POST", path: "/v1/shelves/1/books", body: { pageCount: "9223372036854775808" }, status: 400, violations: [{ field: "book.pageCount", message: expect.any(String) }] },
    { name: "a Timestamp that is not RFC 3339", method: "POST", path: "/v1/shelves/1/books", body: { publishTime: "1965" }, status: 400, violations: [{ field: "book.publishTime", message: expect.stringContaining("RFC 3339") }] },
    { name: "a title over the contract's max_len", method: "POST", path: "/v1/shelves/1/books", body: { title: "x".repeat(101) }, status: 400, violations: [{ field: "book.title", message: expect.stringContaining("100") }] },
    { name: 'a JSON array for body: "*"', method: "POST", path: "/v1/shelves/1/books/1:archive", body: "[]", status: 400, violations: [{ field: "", message: expect.stringContaining("must be a JSON object") }] },
    { name: 'null for body: "*"', method: "POST", path: "/v1/shelves/1/books/1:archive", body: "null", status: 400, violations: [{ field: "", message: expect.stringContaining("must be a JSON object") }] },
    { name: "the path's field in the body", method: "POST", path: "/v1/shelves/1/books/1:archive", body: { name: "shelves/2/books/2" }, status: 400, violations: [{ field: "name", message: expect.stringContaining("taken from the path") }] },
    { name: "malformed JSON", method: "POST", path: "/v1/shelves/1/books", body: '{"title": "x"', status: 400, detail: "not valid JSON" },
    { name: "invalid UTF-8", method: "POST", path: "/v1/shelves/1/books", body: new Uint8Array([0x7b, 0x7d, 0xff]), status: 400, detail: "not valid UTF-8" },
    { name: "text/plain", method: "POST", path: "/v1/shelves/1/books", body: "{}", headers: { "Content-Type": "text/plain" }, status: 415 },
    { name: "one byte over the limit", method: "POST", path: "/v1/shelves/1/books/1:archive", body: archiveBody, maxBodyBytes: archiveBody.length - 1, status: 413 },
    { name: "a Content-Length that understates the body", method: "POST", path: "/v1/shelves/1/books/1:archive", body: archiveBody, headers: { "Content-Type": "application/json", "Content-Length": "2" }, maxBodyBytes: 10, status: 413 },
  ])("$name → $status", async (row) => {
    const { app, received } = setup(row.maxBodyBytes === undefined ? {} : { maxBodyBytes: row.maxBodyBytes });
    const res = await app.request(row.path, {
      method: row.method,
      ...(row.body === undefined ? {} : { body: typeof row.body === "string" || row.body instanceof Uint8Array ? row.body : JSON.stringify(row.body) }),
      headers: row.headers ?? (row.body === undefined ? {} : { "Content-Type": "application/json" }),
    });
    const problem = await problemOf(res, row.status);
    if (row.violations !== undefined) expect(problem.violations).toEqual(row.violations);
    if (row.detail !== undefined) expect(problem.detail).toContain(row.detail);
    if (row.allow !== undefined) expect(res.headers.get("allow")).toBe(row.allow);
    expect(received()).toEqual([]);
  });
});

describe("edge cases that reach the service", () => {
  it.each<[string, string, string, unknown, string | undefined, JsonValue]>([
    ["%2F inside a multi-segment variable stays encoded", "GET", "/v1/books/shelves%2F1/books/1", undefined, undefined, { GetBook: { name: "shelves%2F1/books/1" } }],
    ["other escapes in a multi-segment variable decode", "GET", "/v1/shelves/a%20b/books/%C3%A9", undefined, undefined, { GetBook: { name: "shelves/a b/books/é" } }],
    ["an unknown verb is part of the last segment", "GET", "/v1/shelves/1/books/1:unarchive", undefined, undefined, { GetBook: { name: "shelves/1/books/1:unarchive" } }],
    ["charset=utf-8", "POST", "/v1/shelves/1/books/1:archive", { reason: "é" }, "application/json; charset=utf-8", { ArchiveBook: { name: "shelves/1/books/1", reason: "é" } }],
    ["a body exactly at the limit", "POST", "/v1/shelves/1/books/1:archive", archiveBody, "application/json", { ArchiveBook: { name: "shelves/1/books/1", reason: "x".repeat(20) } }],
  ])("%s", async (_, method, path, body, contentType, call) => {
    const { send, received } = setup({ maxBodyBytes: archiveBody.length });
    await send(method, path, body, contentType === undefined ? {} : { "Content-Type": contentType });
    expect(received()).toEqual([call]);
  });
});

describe("upstream errors through the gateway", () => {
  const secret = "pg: connection to db.internal:5432 failed";

  it.each<[string, unknown, number, string]>([
    ["NOT_FOUND keeps the service's message", new ConnectError("book shelves/1/books/9 not found", Code.NotFound), 404, "book shelves/1/books/9 not found"],
    ["FAILED_PRECONDITION is a 409 conflict", new ConnectError("the book is checked out", Code.FailedPrecondition), 409, "the book is checked out"],
    ["INTERNAL hides its message", new ConnectError(secret, Code.Internal), 500, "An internal error occurred."],
    ["a plain Error in the service hides its message", new Error(secret), 500, "An internal error occurred."],
    ["UNAVAILABLE", new ConnectError(secret, Code.Unavailable), 503, "An upstream service is unavailable; retry shortly."],
  ])("%s", async (_, err, status, detail) => {
    const { send } = setup({ override: failingGetBook(err) });
    const res = await send("GET", "/v1/shelves/1/books/9");
    const problem = await problemOf(res, status);
    expect(problem.detail).toBe(detail);
    expect(JSON.stringify(problem)).not.toContain("db.internal");
  });

  it("the service's protovalidate violations reach the caller in REST naming", async () => {
    const detail = create(ViolationsSchema, {
      violations: [{ field: { elements: [{ fieldNumber: 2, fieldName: "book" }, { fieldNumber: 6, fieldName: "page_count" }] }, message: "value must be less than 10000" }],
    });
    const err = new ConnectError("invalid request", Code.InvalidArgument, undefined, [{ desc: ViolationsSchema, value: detail }]);
    const { send } = setup({ override: { createBook: () => { throw err; } } });
    const problem = await problemOf(await send("POST", "/v1/shelves/1/books", { pageCount: "20000" }), 400);
    expect(problem.violations).toEqual([{ field: "book.pageCount", message: "value must be less than 10000" }]);
  });
});
