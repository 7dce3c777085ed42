import { describe, expect, it } from "vitest";
import { LibraryService } from "../../test/library-service.ts";
import { testProtos } from "../../test/load-test-protos.ts";
import { httpBindings } from "./http-bindings.ts";

describe("httpBindings of the test-only LibraryService", () => {
  it("has one binding per rule and additional binding, none for the RPC without one", () => {
    const summary = httpBindings([LibraryService]).map((b) => ({
      rpc: b.method.name,
      route: `${b.httpMethod} ${b.template.source}`,
      index: b.index,
      path: b.pathFields.map((p) => `${p.name}${p.multiSegment ? " (multi)" : ""}`),
      body: b.body.kind === "field" ? b.body.field.name : b.body.kind,
      responseBody: b.responseBody?.name,
    }));
    expect(summary).toEqual([
      { rpc: "GetBook", route: "GET /v1/{name=shelves/*/books/*}", index: 0, path: ["name (multi)"], body: "none", responseBody: undefined },
      { rpc: "GetBook", route: "GET /v1/books/{name=**}", index: 1, path: ["name (multi)"], body: "none", responseBody: undefined },
      { rpc: "ListBooks", route: "GET /v1/{parent=shelves/*}/books", index: 0, path: ["parent (multi)"], body: "none", responseBody: undefined },
      { rpc: "CreateBook", route: "POST /v1/{parent=shelves/*}/books", index: 0, path: ["parent (multi)"], body: "book", responseBody: undefined },
      { rpc: "UpdateBook", route: "PATCH /v1/{book.name=shelves/*/books/*}", index: 0, path: ["book.name (multi)"], body: "book", responseBody: undefined },
      { rpc: "ArchiveBook", route: "POST /v1/{name=shelves/*/books/*}:archive", index: 0, path: ["name (multi)"], body: "all", responseBody: "book" },
    ]);
  });
});

const registry = await testProtos;
/** A one-RPC service of test/protos/bindings/v1/bindings.proto, its rule named by the service. */
const service = (name: string) => registry.getService(`bindings.v1.${name}`)!;

describe("httpBindings refuses a rule it cannot serve, at start-up", () => {
  it.each<[string, string, string]>([
    ["an unknown path field", "UnknownPathField", 'binds unknown field "nope"'],
    ["a message as a path variable", "MessagePathVariable", "not a singular scalar or enum"],
    ["a repeated field as a path variable", "RepeatedPathVariable", "not a singular scalar or enum"],
    ["several segments into an int", "SegmentsIntoInt", "which is not a string"],
    ["an unknown body field", "UnknownBody", 'body "nope" is not a field'],
    ["an unknown response_body field", "UnknownResponseBody", 'response_body "nope" is not a field'],
    ["no pattern", "NoPattern", "has no pattern"],
    ["a bad template", "BadTemplate", "invalid path template"],
    ["a custom method that is not a token", "CustomMethodNotAToken", "is not an HTTP method"],
    ["nested additional_bindings", "NestedAdditionalBindings", "cannot nest"],
    ["one route bound twice", "RouteBoundTwice", "GET /v1/x is bound twice"],
  ])("%s", (_, name, message) => {
    expect(() => httpBindings([service(name)])).toThrow(message);
  });

  it.each<[string, string, string]>([
    ["a nested path field", "NestedPathField", "GET"],
    ["a custom method", "CustomMethod", "SEARCH"],
    ["a body field that is a list", "ListBody", "PUT"],
  ])("accepts %s", (_, name, method) => {
    expect(httpBindings([service(name)]).map((b) => b.httpMethod)).toEqual([method]);
  });
});
