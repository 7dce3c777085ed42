import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { createRouter, type RouteResult } from "./create-router.ts";
import { matchPathTemplate, splitPath } from "./match-path-template.ts";
import { parsePathTemplate } from "./path-template.ts";

// Bindings as plain objects: the router only needs a method and a template.
const binding = (httpMethod: string, source: string) => ({ httpMethod, template: parsePathTemplate(source), id: `${httpMethod} ${source}` });

const router = createRouter([
  binding("GET", "/api/users"),
  binding("POST", "/api/users"),
  binding("GET", "/api/users/{id}"),
  binding("PATCH", "/api/users/{id}"),
  binding("DELETE", "/api/users/{id}"),
  binding("GET", "/api/users/me"),
  binding("GET", "/api/orders/{id}"),
  binding("POST", "/api/orders/{id}:cancel"),
  binding("GET", "/v1/{name=shelves/*/books/*}"),
  binding("GET", "/v1/books/{name=**}"),
  binding("GET", "/v1/{parent=shelves/*}/books"),
  binding("GET", "/files/{path=**}"),
  binding("GET", "/files/{dir=*}/readme"),
]);

type Expected = { found: string; vars?: Record<string, string> } | { allow: string[] } | "not-found";

function summary(result: RouteResult<{ id: string }>): Expected {
  if (result.kind === "found") return { found: result.binding.id, vars: Object.fromEntries(result.vars) };
  if (result.kind === "method-not-allowed") return { allow: result.allow };
  return "not-found";
}

describe("createRouter", () => {
  it.each<[string, string, string, Expected]>([
    ["a literal path", "GET", "/api/users", { found: "GET /api/users", vars: {} }],
    ["the same path, another method", "POST", "/api/users", { found: "POST /api/users", vars: {} }],
    ["a variable", "GET", "/api/users/7", { found: "GET /api/users/{id}", vars: { id: "7" } }],
    ["a literal beats a variable", "GET", "/api/users/me", { found: "GET /api/users/me", vars: {} }],
    ["a lowercase method", "get", "/api/users/7", { found: "GET /api/users/{id}", vars: { id: "7" } }],
    ["HEAD is served by GET", "HEAD", "/api/users/7", { found: "GET /api/users/{id}", vars: { id: "7" } }],
    ["a custom verb", "POST", "/api/orders/3:cancel", { found: "POST /api/orders/{id}:cancel", vars: { id: "3" } }],
    // The verb must not be swallowed into the variable: this is not order "3:cancel".
    ["a custom verb, wrong method", "GET", "/api/orders/3:cancel", { allow: ["POST"] }],
    ["an unknown verb is part of the value", "GET", "/api/orders/3:refund", { found: "GET /api/orders/{id}", vars: { id: "3:refund" } }],
    ["a verb with nothing before it", "POST", "/api/orders/:cancel", { allow: ["GET", "HEAD"] }],
    ["a multi-segment variable", "GET", "/v1/shelves/1/books/2", { found: "GET /v1/{name=shelves/*/books/*}", vars: { name: "shelves/1/books/2" } }],
    ["a nested-parent variable", "GET", "/v1/shelves/1/books", { found: "GET /v1/{parent=shelves/*}/books", vars: { parent: "shelves/1" } }],
    ["** takes the rest of the path", "GET", "/v1/books/a/b/c", { found: "GET /v1/books/{name=**}", vars: { name: "a/b/c" } }],
    ["a literal after * beats **", "GET", "/files/docs/readme", { found: "GET /files/{dir=*}/readme", vars: { dir: "docs" } }],
    ["** when the literal does not match", "GET", "/files/docs/other", { found: "GET /files/{path=**}", vars: { path: "docs/other" } }],
    ["%2F in a one-segment variable decodes", "GET", "/api/users/a%2Fb", { found: "GET /api/users/{id}", vars: { id: "a/b" } }],
    ["%2F in a multi-segment variable stays encoded", "GET", "/v1/books/a%2Fb/c%20d", { found: "GET /v1/books/{name=**}", vars: { name: "a%2Fb/c d" } }],
    ["other escapes decode", "GET", "/api/users/J%C3%BCrgen%20K", { found: "GET /api/users/{id}", vars: { id: "Jürgen K" } }],
    ["405 lists every method of the path", "PUT", "/api/users/7", { allow: ["GET", "HEAD", "PATCH", "DELETE"] }],
    ["405 lists HEAD with GET", "DELETE", "/api/users", { allow: ["GET", "HEAD", "POST"] }],
    ["unknown path", "GET", "/api/nope", "not-found"],
    ["trailing slash", "GET", "/api/users/", "not-found"],
    ["empty segment", "GET", "/api//users", "not-found"],
    ["empty variable segment", "GET", "/v1/shelves//books/2", "not-found"],
    ["too many segments", "GET", "/api/users/7/extra", "not-found"],
    ["root", "GET", "/", "not-found"],
    ["literals are case-sensitive", "GET", "/API/users", "not-found"],
  ])("%s: %s %s", (_, method, path, expected) => {
    expect(summary(router.route(method, path))).toEqual(expected);
  });

  it.each(["/api/users/%zz", "/api/users/%E0%A4%A", "/api/users/%FF", "/v1/books/a/%zz/c", "/api/users/%zz/unknown"])(
    "a malformed escape in %s is INVALID_ARGUMENT, whatever the route",
    (path) => {
      for (const method of ["GET", "DELETE"]) {
        const err = (() => {
          try {
            router.route(method, path);
          } catch (e) {
            return e;
          }
          return undefined;
        })();
        expect(err).toBeInstanceOf(ConnectError);
        expect((err as ConnectError).code).toBe(Code.InvalidArgument);
      }
    },
  );
});

describe("matchPathTemplate", () => {
  it.each<[string, string, Record<string, string> | undefined]>([
    ["/v1/{book.name=shelves/*/books/*}", "/v1/shelves/s/books/b", { "book.name": "shelves/s/books/b" }],
    ["/v1/{book.name=shelves/*/books/*}", "/v1/shelves/s/books", undefined],
    ["/v1/{book.name=shelves/*/books/*}", "/v1/racks/s/books/b", undefined],
    ["/v1/{a}/{b}", "/v1/x/y", { a: "x", b: "y" }],
    ["/v1/{name=**}:undo", "/v1/a/b:undo", { name: "a/b" }],
    ["/v1/{name=**}:undo", "/v1/a/b", undefined],
    ["/v1/{id}:undo", "/v1/:undo", undefined],
  ])("%s against %s", (source, path, expected) => {
    const vars = matchPathTemplate(parsePathTemplate(source), splitPath(path));
    expect(vars === undefined ? undefined : Object.fromEntries(vars)).toEqual(expected);
  });
});
