import { createRouterTransport } from "@connectrpc/connect";
import { UserService } from "@grpc-edge/proto/user/v1";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { createLibraryService, LibraryService } from "../../test/library-service.ts";
import { createFixtureUserService } from "../../test/user-fixtures.ts";
import { createApp } from "../create-app.ts";
import { httpBindings } from "../transcoding/index.ts";
import { createOpenApiDocument } from "./create-openapi-document.ts";
import { problemTypes } from "../errors/problem-types.ts";
import { allRefs, deref, operation, parameter, pointer, schemaValidator, type Doc } from "../../test/openapi-test-kit.ts";
import { publishedServices } from "../routing/published-services.ts";

const apiDoc = createOpenApiDocument(httpBindings(publishedServices)) as Doc;
const libraryDoc = createOpenApiDocument(httpBindings([LibraryService])) as Doc;
const documents = [
  { name: "user.v1 + orders.v1 (the served API)", doc: apiDoc, services: publishedServices },
  { name: "library.v1 (test-only service)", doc: libraryDoc, services: [LibraryService] },
];
const methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

describe.each(documents)("OpenAPI document of $name", ({ doc, services }) => {
  it("is valid against the OpenAPI 3.1 schema", async () => {
    const result = await new Validator().validate(structuredClone(doc));
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe("3.1.0");
  });

  it("would fail validation with a Swagger 2 style body parameter (the check can fail)", async () => {
    const broken = structuredClone(doc);
    const op = Object.values(Object.values(broken.paths)[0]!)[0]!;
    op.parameters = [...op.parameters, { name: "body", in: "body" as "query", schema: {} }];
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it("has an operation for every google.api.http binding, with unique operationIds", () => {
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).filter((m) => methods.includes(m)).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(documented).toHaveLength(httpBindings(services).length);
    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("declares exactly the path template's variables as required path parameters", () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      const inTemplate = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      for (const [method, op] of Object.entries(ops)) {
        const declared = op.parameters.filter((p) => p.in === "path");
        expect(declared.map((p) => p.name).sort(), `${method} ${path}`).toEqual(inTemplate);
        expect(declared.every((p) => p.required === true), `${method} ${path}`).toBe(true);
        const query = op.parameters.filter((p) => p.in === "query").map((p) => p.name);
        expect(new Set(query).size, `${method} ${path}: duplicate query parameters`).toBe(query.length);
      }
    }
  });

  it("resolves every $ref", () => {
    const refs = allRefs(doc);
    expect(refs.length).toBeGreaterThan(10);
    const broken = refs.filter(({ ref }) => pointer(doc, ref) === undefined);
    expect(broken).toEqual([]);
  });

  it("has component schemas that compile as JSON Schema 2020-12 (ajv, strict)", () => {
    const ajv = schemaValidator(doc);
    for (const name of Object.keys(doc.components.schemas)) {
      expect(() => ajv.compile({ $ref: `#/components/schemas/${name}` }), name).not.toThrow();
    }
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const op of Object.values(ops)) {
        for (const p of op.parameters) expect(() => ajv.compile(p.schema), `${path} ${p.name}`).not.toThrow();
        const body = op.requestBody?.content["application/json"].schema;
        if (body !== undefined) expect(() => ajv.compile(body), `${path} body`).not.toThrow();
      }
    }
  });

  it("answers every operation's errors with the problem+json schema", () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const op of Object.values(ops)) {
        for (const [status, response] of Object.entries(op.responses)) {
          if (status.startsWith("2")) continue;
          const resolved = deref(doc, response);
          expect(Object.keys(resolved.content as object), `${op.operationId} ${status}`).toEqual(["application/problem+json"]);
          const media = (resolved.content as Record<string, Record<string, unknown>>)["application/problem+json"]!;
          expect(media.schema).toEqual({ $ref: "#/components/schemas/Problem" });
          if (status === "default") continue;
          // Each status shows an example problem of its own status, valid against the schema.
          expect(media.example, `${op.operationId} ${status}`).toMatchObject({ status: Number(status) });
          expect(schemaValidator(doc).compile({ $ref: "#/components/schemas/Problem" })(media.example), `${status} example`).toBe(true);
        }
        expect(Object.keys(op.responses), path).toEqual(expect.arrayContaining(["400", "401", "403", "429", "502", "503", "504", "default"]));
      }
    }
  });
});

describe("the served API, as a client reads it", () => {
  const schemaOf = (name: string) => apiDoc.components.schemas[name]!;
  const props = (name: string) => schemaOf(name).properties as Record<string, Record<string, unknown>>;

  it.each([
    ["GET", "/api/users", "pageSize", { type: "integer", format: "int32", minimum: 0, maximum: 500 }],
    ["GET", "/api/users", "pageToken", { type: "string", maxLength: 256 }],
    ["GET", "/api/items", "pageSize", { type: "integer", format: "int32", minimum: 0, maximum: 500 }],
    ["GET", "/api/users/{userId}/orders", "pageSize", { type: "integer", format: "int32", minimum: 0, maximum: 500 }],
  ])("%s %s takes the query parameter %s: %o", (method, path, name, schema) => {
    const param = parameter(operation(apiDoc, method, path), name);
    expect(param.in).toBe("query");
    expect(param.required).toBeUndefined();
    expect(param.schema).toEqual(schema);
  });

  it.each([
    ["GET", "/api/users/{id}", "id"],
    ["PATCH", "/api/users/{id}", "id"],
    ["DELETE", "/api/users/{id}", "id"],
    ["GET", "/api/items/{id}", "id"],
    ["GET", "/api/orders/{id}", "id"],
    ["POST", "/api/orders/{id}:cancel", "id"],
    ["POST", "/api/users/{userId}/orders", "userId"],
    ["GET", "/api/users/{userId}/orders", "userId"],
  ])("%s %s has the positive int32 path parameter %s", (method, path, name) => {
    const op = operation(apiDoc, method, path);
    expect(parameter(op, name)).toEqual({
      name,
      in: "path",
      required: true,
      schema: { type: "integer", format: "int32", exclusiveMinimum: 0 },
    });
    // Path-bound fields are never also query parameters or body properties.
    expect(op.parameters.filter((p) => p.in === "query").map((p) => p.name)).not.toContain(name);
  });

  it("CreateUser: the body requires firstName and lastName (1-100 characters) and an email", () => {
    const op = operation(apiDoc, "POST", "/api/users");
    expect(op.summary).toBe("CreateUser");
    expect(op.requestBody?.required).toBe(true);
    const body = deref(apiDoc, op.requestBody!.content["application/json"].schema);
    expect(body.required).toEqual(["firstName", "lastName", "email"]);
    const properties = body.properties as Record<string, unknown>;
    expect(properties.firstName).toEqual({ type: "string", minLength: 1, maxLength: 100 });
    expect(properties.lastName).toEqual({ type: "string", minLength: 1, maxLength: 100 });
    expect(properties.email).toEqual({ type: "string", format: "email", maxLength: 254 });
    expect(op.responses["409"]).toEqual({ $ref: "#/components/responses/Conflict" });
    expect(op.responses["404"]).toBeUndefined();
  });

  it("UpdateUser (PATCH): every body field is optional, with the same limits; the id is not in the body", () => {
    const op = operation(apiDoc, "PATCH", "/api/users/{id}");
    expect(op.requestBody?.required).toBe(false);
    const body = op.requestBody!.content["application/json"].schema;
    expect(body.required).toBeUndefined();
    expect(Object.keys(body.properties as object)).toEqual(["firstName", "lastName", "email"]);
    expect((body.properties as Record<string, unknown>).firstName).toEqual({ type: "string", minLength: 1, maxLength: 100 });
  });

  it("CreateOrder: userId from the path, itemId and amount (1-10000) required in the body", () => {
    const op = operation(apiDoc, "POST", "/api/users/{userId}/orders");
    expect(op.requestBody?.required).toBe(true);
    const body = op.requestBody!.content["application/json"].schema;
    expect(body.required).toEqual(["itemId", "amount"]);
    expect(body.properties).toEqual({
      itemId: { type: "integer", format: "int32", exclusiveMinimum: 0 },
      amount: { type: "integer", format: "int32", minimum: 1, maximum: 10000 },
    });
  });

  it.each([
    ["GET", "/api/users/{id}", ["404"], ["409"]],
    ["DELETE", "/api/users/{id}", ["404", "409"], []],
    ["PATCH", "/api/users/{id}", ["404", "409", "413", "415"], []],
    ["GET", "/api/users", [], ["404", "409", "413"]],
    ["POST", "/api/orders/{id}:cancel", ["404", "409"], []],
  ])("%s %s documents %j and not %j", (method, path, present: string[], absent: string[]) => {
    const responses = operation(apiDoc, method, path).responses;
    for (const status of present) expect(Object.keys(responses), status).toContain(status);
    for (const status of absent) expect(Object.keys(responses), status).not.toContain(status);
  });

  it("responses are proto3 JSON: int32 ids, RFC 3339 timestamps, enum names, OUTPUT_ONLY as readOnly", () => {
    expect(props("user.v1.User").id).toEqual({ type: "integer", format: "int32", readOnly: true });
    expect(props("user.v1.User").orders).toEqual({
      type: "array",
      items: { $ref: "#/components/schemas/orders.v1.Order" },
      readOnly: true,
    });
    expect(props("orders.v1.Order").orderDate).toEqual({ type: "string", format: "date-time" });
    expect(props("orders.v1.Order").cancelTime).toEqual({ type: "string", format: "date-time", readOnly: true });
    expect(props("orders.v1.Order").status).toEqual({ $ref: "#/components/schemas/orders.v1.OrderStatus", readOnly: true });
    expect(schemaOf("orders.v1.OrderStatus")).toEqual({
      type: "string",
      enum: ["ORDER_STATUS_UNSPECIFIED", "ORDER_STATUS_PLACED", "ORDER_STATUS_CANCELLED"],
    });
    // DeleteUser declares 204: no body at all.
    expect(operation(apiDoc, "DELETE", "/api/users/{id}").responses).toMatchObject({ "204": { description: "No Content" } });
    expect(operation(apiDoc, "DELETE", "/api/users/{id}").responses["204"].content).toBeUndefined();
    expect(operation(apiDoc, "DELETE", "/api/users/{id}").responses["200"]).toBeUndefined();
  });

  it("creates declare 201 with a Location header; other writes and reads 200", () => {
    for (const [method, path, location] of [
      ["POST", "/api/users", "/api/users/{id}"],
      ["POST", "/api/users/{userId}/orders", "/api/orders/{id}"],
    ] as const) {
      const { responses } = operation(apiDoc, method, path);
      expect(responses["200"]).toBeUndefined();
      expect(responses["201"]).toMatchObject({ description: "Created", headers: { Location: { schema: { type: "string" } } } });
      expect(JSON.stringify(responses["201"])).toContain(`\`${location}\``);
    }
    expect(Object.keys(operation(apiDoc, "PATCH", "/api/users/{id}").responses)).toContain("200");
  });

  it("declares the bearer-JWT scheme: writes always need it, reads only without PUBLIC_READS", () => {
    expect(apiDoc.components.securitySchemes).toEqual({ bearerAuth: expect.objectContaining({ type: "http", scheme: "bearer", bearerFormat: "JWT" }) });
    const open = createOpenApiDocument(httpBindings(publishedServices), { publicReads: true }) as Doc;
    expect(operation(apiDoc, "GET", "/api/users/{id}").security).toEqual([{ bearerAuth: [] }]);
    expect(operation(open, "GET", "/api/users/{id}").security).toEqual([{}, { bearerAuth: [] }]);
    for (const doc of [apiDoc, open]) {
      for (const [method, path] of [["POST", "/api/users"], ["PATCH", "/api/users/{id}"], ["DELETE", "/api/users/{id}"], ["POST", "/api/orders/{id}:cancel"]] as const) {
        expect(operation(doc, method, path).security, `${method} ${path}`).toEqual([{ bearerAuth: [] }]);
      }
    }
    // 401 says how to authenticate; 429 and 503 when to come back.
    expect(apiDoc.components.responses.Unauthorized.headers).toHaveProperty("WWW-Authenticate");
    expect(apiDoc.components.responses.TooManyRequests.headers).toHaveProperty("Retry-After");
    expect(apiDoc.components.responses.ServiceUnavailable.headers).toHaveProperty("Retry-After");
  });

  it("every status an operation can answer: writes add 409 and 422, bodies 413 and 415", () => {
    const statuses = (method: string, path: string) => Object.keys(operation(apiDoc, method, path).responses).sort();
    expect(statuses("POST", "/api/users")).toEqual(["201", "400", "401", "403", "409", "413", "415", "422", "429", "502", "503", "504", "default"]);
    expect(statuses("DELETE", "/api/users/{id}")).toEqual(["204", "400", "401", "403", "404", "409", "422", "429", "502", "503", "504", "default"]);
    expect(statuses("GET", "/api/users/{id}")).toEqual(["200", "400", "401", "403", "404", "429", "502", "503", "504", "default"]);
  });

  it("every GET takes ?fields=; the read and update masks are the edge's to fill, not the caller's", () => {
    for (const path of ["/api/users", "/api/users/{id}", "/api/items", "/api/orders/{id}"]) {
      const names = operation(apiDoc, "GET", path).parameters.map((p) => p.name);
      expect(names, path).toContain("fields");
      expect(names, path).not.toContain("readMask");
    }
    const patch = operation(apiDoc, "PATCH", "/api/users/{id}");
    expect(patch.parameters.map((p) => p.name)).toEqual(["id"]);
  });

  it("internal RPCs (no google.api.http rule) are not documented", () => {
    const ids = Object.values(apiDoc.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
    expect(ids).not.toContain("OrderService_GetOrdersByUserId");
    expect(ids).not.toContain("OrderService_GetOrdersByUserIds");
    expect(apiDoc.components.schemas["orders.v1.OrdersByUserIdsRequest"]).toBeUndefined();
  });

  it("lists every RPC status code a problem can carry, and 503 carries Retry-After", () => {
    const problem = schemaOf("Problem");
    expect(problem.required).toEqual(["type", "title", "status", "detail", "code", "requestId"]);
    expect((problem.properties as Record<string, { enum?: string[] }>).code.enum).toEqual(
      expect.arrayContaining(["invalid_argument", "not_found", "already_exists", "failed_precondition", "unavailable"]),
    );
    expect(apiDoc.components.responses.ServiceUnavailable!.headers).toHaveProperty("Retry-After");
  });

  it("lists the whole problem catalogue as the problem types a client may meet", () => {
    const type = (schemaOf("Problem").properties as Record<string, { enum?: string[] }>).type!;
    expect(type.enum).toHaveLength(Object.keys(problemTypes).length);
    expect(type.enum).toEqual(
      expect.arrayContaining(["https://grpc-edge.dev/problems/not-found", "https://grpc-edge.dev/problems/idempotency-key-reused", "https://grpc-edge.dev/problems/rate-limited"]),
    );
  });
});

describe("library.v1: templates beyond one segment per variable, int64, nested query fields", () => {
  const schemaOf = (name: string) => libraryDoc.components.schemas[name]!;

  it("writes out multi-segment variables, one parameter per wildcard, so clients never send a slash", () => {
    expect(Object.keys(libraryDoc.paths).sort()).toEqual([
      "/v1/books/{name}",
      "/v1/shelves/{shelvesId}/books",
      "/v1/shelves/{shelvesId}/books/{booksId}",
      "/v1/shelves/{shelvesId}/books/{booksId}:archive",
    ]);
    expect(Object.keys(libraryDoc.paths["/v1/shelves/{shelvesId}/books/{booksId}"]!)).toEqual(["get", "patch"]);
    const get = operation(libraryDoc, "GET", "/v1/shelves/{shelvesId}/books/{booksId}");
    expect(parameter(get, "booksId").description).toBe("One segment of `name`, which the gateway sets to `shelves/{shelvesId}/books/{booksId}`.");
    expect(parameter(get, "booksId").schema).toEqual({ type: "string", pattern: "^[^/]+$" });
    const patch = operation(libraryDoc, "PATCH", "/v1/shelves/{shelvesId}/books/{booksId}");
    expect(parameter(patch, "shelvesId").description).toContain("`book.name`");
    expect(parameter(operation(libraryDoc, "GET", "/v1/books/{name}"), "name").description).toContain("rest of the path");
  });

  it("ListBooks: bounded pageSize, repeated and enum query parameters, nested message fields with dots", () => {
    const op = operation(libraryDoc, "GET", "/v1/shelves/{shelvesId}/books");
    expect(op.parameters.map((p) => `${p.in}:${p.name}`)).toEqual([
      "path:shelvesId",
      "query:pageSize",
      "query:tags",
      "query:genre",
      "query:filter.author",
      "query:filter.publishedAfter",
      "query:filter.minPages",
      "query:genres",
      "query:fields",
    ]);
    expect(parameter(op, "pageSize").schema).toEqual({ type: "integer", format: "int32", minimum: 0, maximum: 100 });
    expect(parameter(op, "tags")).toMatchObject({ style: "form", explode: true, schema: { type: "array", items: { type: "string" } } });
    expect(parameter(op, "genres").schema).toEqual({ type: "array", items: { $ref: "#/components/schemas/library.v1.Genre" } });
    expect(parameter(op, "filter.publishedAfter").schema).toEqual({ type: "string", format: "date-time" });
    expect(parameter(op, "filter.minPages").schema).toEqual({ type: "string", format: "int64", pattern: "^-?[0-9]+$" });
  });

  it("int64 is a string, Timestamp a date-time, rules become constraints", () => {
    const book = schemaOf("library.v1.Book").properties as Record<string, unknown>;
    expect(book.pageCount).toEqual({ type: "string", format: "int64", pattern: "^-?[0-9]+$" });
    expect(book.publishTime).toEqual({ type: "string", format: "date-time" });
    expect(book.title).toEqual({ type: "string", maxLength: 100 });
    expect(book.genre).toEqual({ $ref: "#/components/schemas/library.v1.Genre" });
  });

  it("body: \"book\" sends the Book; body: \"*\" sends the fields not bound to the path; response_body answers one field", () => {
    const create = operation(libraryDoc, "POST", "/v1/shelves/{shelvesId}/books");
    expect(create.requestBody!.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/library.v1.Book" });
    expect(parameter(create, "requestId").in).toBe("query");
    const archive = operation(libraryDoc, "POST", "/v1/shelves/{shelvesId}/books/{booksId}:archive");
    expect(archive.requestBody!.content["application/json"].schema).toEqual({ type: "object", properties: { reason: { type: "string" } } });
    expect(archive.parameters.filter((p) => p.in === "query")).toEqual([]);
    expect(archive.responses["200"]!.content).toEqual({ "application/json": { schema: { $ref: "#/components/schemas/library.v1.Book" } } });
  });
});

// The document must describe what the gateway does: requests built from it reach the
// RPC, its schemas accept the gateway's answers and reject what the gateway rejects.
describe("the documents agree with the gateway", () => {
  const users = createFixtureUserService();
  const userApp = createApp({
    transport: createRouterTransport((router) => router.service(UserService, users.impl)),
    services: publishedServices,
    log: () => {},
  });
  const library = createLibraryService();
  const libraryApp = createApp({
    transport: createRouterTransport((router) => router.service(LibraryService, library.impl as never)),
    services: [LibraryService],
    log: () => {},
  });
  const apiSchemas = schemaValidator(apiDoc);
  const librarySchemas = schemaValidator(libraryDoc);
  const fill = (path: string, values: Record<string, string>) => path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(values[name]!));

  it.each([
    ["GET", "/api/users/{id}", { id: "1" }, 200],
    ["GET", "/api/users", {}, 200],
    ["GET", "/api/users/{id}", { id: "999" }, 404],
  ])("%s %s with %o: the answer (%i) matches its documented schema", async (method, path, values, status) => {
    const res = await userApp.request(fill(path, values), { method });
    expect(res.status).toBe(status);
    const response = deref(apiDoc, operation(apiDoc, method, path).responses[String(status)]!);
    const [mediaType, { schema }] = Object.entries(response.content as Record<string, { schema: Record<string, unknown> }>)[0]!;
    expect(res.headers.get("content-type")).toMatch(new RegExp(`^${mediaType.replace("+", "\\+")}`));
    expect(apiSchemas.errors(schema, await res.json())).toEqual([]);
  });

  it.each([
    ["GET", "/v1/shelves/{shelvesId}/books/{booksId}", { shelvesId: "1", booksId: "1" }, "GetBook"],
    ["GET", "/v1/shelves/{shelvesId}/books", { shelvesId: "1" }, "ListBooks"],
    ["POST", "/v1/shelves/{shelvesId}/books/{booksId}:archive", { shelvesId: "1", booksId: "1" }, "ArchiveBook"],
  ])("library: %s %s filled in as documented reaches %s, and the answer matches", async (method, path, values, rpc) => {
    const before = library.calls.length;
    const res = await libraryApp.request(fill(path, values), { method });
    expect(res.status).toBe(200);
    expect(library.calls.slice(before).map((c) => c.method)).toEqual([rpc]);
    const schema = operation(libraryDoc, method, path).responses["200"]!.content as Record<string, { schema: Record<string, unknown> }>;
    const body = await res.json();
    expect(librarySchemas.errors(schema["application/json"]!.schema, body)).toEqual([]);
  });

  const pageSize = parameter(operation(apiDoc, "GET", "/api/users"), "pageSize").schema;
  const userId = parameter(operation(apiDoc, "GET", "/api/users/{id}"), "id").schema;
  it.each([
    ["/api/users?pageSize=500", pageSize, 500, true],
    ["/api/users?pageSize=501", pageSize, 501, false],
    ["/api/users?pageSize=-1", pageSize, -1, false],
    ["/api/users/1", userId, 1, true],
    ["/api/users/0", userId, 0, false],
  ])("GET %s: the gateway accepts it iff the parameter schema does", async (url, schema, value, valid) => {
    expect(apiSchemas.errors(schema, value).length === 0).toBe(valid);
    const res = await userApp.request(url);
    expect(res.status === 400).toBe(!valid);
  });

  const createUserBody = deref(apiDoc, operation(apiDoc, "POST", "/api/users").requestBody!.content["application/json"].schema);
  const ada = { firstName: "Ada", lastName: "Lovelace", email: "ada@example.com" };
  it.each([
    ["a complete user", ada, true],
    ["no email", { firstName: "Ada", lastName: "Lovelace" }, false],
    ["an empty firstName", { ...ada, firstName: "" }, false],
    ["a 101-character lastName", { ...ada, lastName: "x".repeat(101) }, false],
    ["an email without @", { ...ada, email: "ada.example.com" }, false],
  ])("POST /api/users with %s: the gateway rejects it (400) iff the body schema does", async (_, body, valid) => {
    expect(apiSchemas.errors(createUserBody, body).length === 0).toBe(valid);
    const res = await userApp.request("/api/users", {
      method: "POST",
      body: JSON.stringify(body),
      headers: { "content-type": "application/json" },
    });
    // A valid body passes the gateway's validation and reaches the fixture service,
    // which does not implement CreateUser (501).
    expect(res.status).toBe(valid ? 501 : 400);
  });
});

describe("a server stream's operation (GET /api/users/{userId}/orders:watch)", () => {
  const streamDoc = createOpenApiDocument([...httpBindings(publishedServices), ...httpBindings(publishedServices, "server_streaming")]) as Doc;
  const watch = operation(streamDoc, "get", "/api/users/{userId}/orders:watch");

  it("takes the path variable, the resume point as query or Last-Event-ID, and no ?fields= (the stream handler refuses it)", () => {
    expect(watch.parameters.map((p) => `${p.in} ${p.name}`)).toEqual(["path userId", "query afterEventId", "header Last-Event-ID"]);
  });

  it("answers text/event-stream or NDJSON", () => {
    expect(Object.keys(watch.responses["200"]!.content as object)).toEqual(["text/event-stream", "application/x-ndjson"]);
  });
});
