import { describe, expect, it } from "vitest";
import { parsePathTemplate, type TemplateSegment } from "./path-template.ts";

const lit = (value: string): TemplateSegment => ({ kind: "literal", value });
const star: TemplateSegment = { kind: "wildcard" };
const deep: TemplateSegment = { kind: "deep-wildcard" };

describe("parsePathTemplate", () => {
  it.each([
    ["/v1/users", [lit("v1"), lit("users")], [], undefined],
    ["/api/users/{id}", [lit("api"), lit("users"), star], [{ fieldPath: ["id"], start: 2, end: 3 }], undefined],
    [
      "/v1/{name=shelves/*/books/*}",
      [lit("v1"), lit("shelves"), star, lit("books"), star],
      [{ fieldPath: ["name"], start: 1, end: 5 }],
      undefined,
    ],
    [
      "/v1/{book.name=shelves/*/books/*}",
      [lit("v1"), lit("shelves"), star, lit("books"), star],
      [{ fieldPath: ["book", "name"], start: 1, end: 5 }],
      undefined,
    ],
    ["/v1/books/{name=**}", [lit("v1"), lit("books"), deep], [{ fieldPath: ["name"], start: 2, end: 3 }], undefined],
    ["/api/orders/{id}:cancel", [lit("api"), lit("orders"), star], [{ fieldPath: ["id"], start: 2, end: 3 }], "cancel"],
    [
      "/v1/{parent=shelves/*}/books/{book_id}",
      [lit("v1"), lit("shelves"), star, lit("books"), star],
      [
        { fieldPath: ["parent"], start: 1, end: 3 },
        { fieldPath: ["book_id"], start: 4, end: 5 },
      ],
      undefined,
    ],
    ["/v1/*/files/**", [lit("v1"), star, lit("files"), deep], [], undefined],
  ])("%s", (source, segments, variables, verb) => {
    const template = parsePathTemplate(source);
    expect(template.segments).toEqual(segments);
    expect(template.variables).toEqual(variables);
    expect(template.verb).toBe(verb);
    expect(template.source).toBe(source);
  });

  // A bad annotation must stop the gateway at start-up, with the template in the message.
  it.each([
    ["", 'must start with "/"'],
    ["v1/users", 'must start with "/"'],
    ["/v1/{id", "unclosed variable"],
    ["/v1/{name=shelves/*", "unclosed variable"],
    ["/v1/{a={b}}", "variables cannot nest"],
    ["/v1/{1id}", "is not a field path"],
    ["/v1/{book..name}", "is not a field path"],
    ["/v1/**/books", '"**" must be the last segment'],
    ["/v1/{id}/{id}", "a field is bound twice"],
    ["/v1//users", "unexpected"],
    ["/v1/users/", "unexpected"],
    ["/v1/users:", "empty verb"],
    ["/v1/users?x=1", "unexpected"],
  ])("rejects %j: %s", (source, why) => {
    expect(() => parsePathTemplate(source)).toThrow(why);
  });
});
