import type { MessageInitShape } from "@bufbuild/protobuf";
import type { HttpRuleSchema } from "@grpc-edge/proto/google/api/http";
import { describe, expect, it } from "vitest";
import { LibraryService } from "../../test/library-service.ts";
import { buildFile, Type } from "../../test/proto-builder.ts";
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

/** A one-RPC service whose rule is `http`, over a request with a few kinds of fields. */
function serviceWith(http: MessageInitShape<typeof HttpRuleSchema>) {
  return buildFile({
    name: "t/v1/t.proto",
    package: "t.v1",
    messages: {
      Inner: { fields: { id: [1, {}] } },
      Req: {
        fields: {
          id: [1, { type: Type.INT32 }],
          name: [2, {}],
          inner: [3, { message: ".t.v1.Inner" }],
          tags: [4, { repeated: true }],
        },
      },
      Res: { fields: { value: [1, {}] } },
    },
    services: { S: { Call: { input: ".t.v1.Req", output: ".t.v1.Res", http } } },
  }).getService("t.v1.S")!;
}

describe("httpBindings refuses a rule it cannot serve, at start-up", () => {
  it.each<[string, MessageInitShape<typeof HttpRuleSchema>, string]>([
    ["an unknown path field", { pattern: { case: "get", value: "/v1/{nope}" } }, 'binds unknown field "nope"'],
    ["a message as a path variable", { pattern: { case: "get", value: "/v1/{inner}" } }, "not a singular scalar or enum"],
    ["a repeated field as a path variable", { pattern: { case: "get", value: "/v1/{tags}" } }, "not a singular scalar or enum"],
    ["several segments into an int", { pattern: { case: "get", value: "/v1/{id=a/*}" } }, "which is not a string"],
    ["an unknown body field", { pattern: { case: "post", value: "/v1/x" }, body: "nope" }, 'body "nope" is not a field'],
    ["an unknown response_body field", { pattern: { case: "get", value: "/v1/x" }, responseBody: "nope" }, 'response_body "nope" is not a field'],
    ["no pattern", {}, "has no pattern"],
    ["a bad template", { pattern: { case: "get", value: "v1/x" } }, "invalid path template"],
    ["a custom method that is not a token", { pattern: { case: "custom", value: { kind: "FO O", path: "/v1/x" } } }, "is not an HTTP method"],
    ["nested additional_bindings", { pattern: { case: "get", value: "/v1/x" }, additionalBindings: [{ pattern: { case: "get", value: "/v1/y" }, additionalBindings: [{ pattern: { case: "get", value: "/v1/z" } }] }] }, "cannot nest"],
    ["one route bound twice", { pattern: { case: "get", value: "/v1/x" }, additionalBindings: [{ pattern: { case: "get", value: "/v1/x" } }] }, "GET /v1/x is bound twice"],
  ])("%s", (_, http, message) => {
    const service = serviceWith(http);
    expect(() => httpBindings([service])).toThrow(message);
  });

  it.each<[string, MessageInitShape<typeof HttpRuleSchema>, string]>([
    ["a nested path field", { pattern: { case: "get", value: "/v1/{inner.id}" } }, "GET"],
    ["a custom method", { pattern: { case: "custom", value: { kind: "search", path: "/v1/x" } } }, "SEARCH"],
    ["a body field that is a list", { pattern: { case: "put", value: "/v1/{name}/tags" }, body: "tags" }, "PUT"],
  ])("accepts %s", (_, http, method) => {
    expect(httpBindings([serviceWith(http)]).map((b) => b.httpMethod)).toEqual([method]);
  });
});
