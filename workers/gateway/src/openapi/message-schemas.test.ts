import { create, type DescField } from "@bufbuild/protobuf";
import { createValidator } from "@bufbuild/protovalidate";
import { describe, expect, it } from "vitest";
import { testProtos } from "../../test/load-test-protos.ts";
import { SchemaBuilder } from "./message-schemas.ts";

// One field of t.v1.All (test/protos/t/v1/schemas.proto) per row, and the JSON Schema a
// client gets for it.
const rows: [string, Record<string, unknown>][] = [
  ["int32", { type: "integer", format: "int32" }],
  ["uint32", { type: "integer", format: "uint32", minimum: 0 }],
  ["int64", { type: "string", format: "int64", pattern: "^-?[0-9]+$" }],
  ["uint64", { type: "string", format: "uint64", pattern: "^[0-9]+$" }],
  ["double", { type: "number", format: "double" }],
  ["bool", { type: "boolean" }],
  ["bytes", { type: "string", format: "byte", contentEncoding: "base64" }],
  ["timestamp", { type: "string", format: "date-time" }],
  ["mask", { type: "string", description: "Comma-separated field paths, e.g. `firstName,email`." }],
  ["wrapped", { type: "integer", format: "int32" }],
  ["color", { $ref: "#/components/schemas/t.v1.Color" }],
  ["names", { type: "array", items: { type: "string" } }],
  ["labels", { type: "object", additionalProperties: { type: "string" } }],
  ["gt_zero", { type: "integer", format: "int32", exclusiveMinimum: 0 }],
  ["percent", { type: "number", format: "double", minimum: 0, maximum: 100 }],
  // lo > hi means "outside the range": JSON Schema min/max cannot say it, so it is left out.
  ["outside", { type: "integer", format: "int32" }],
  ["big", { type: "string", format: "int64", pattern: "^-?[0-9]+$" }],
  ["code", { type: "string", minLength: 3, maxLength: 3 }],
  ["slug", { type: "string", pattern: "^[a-z]+$" }],
  ["id", { type: "string", format: "uuid" }],
  ["size", { type: "string", enum: ["S", "M"] }],
  ["shade", { $ref: "#/components/schemas/t.v1.Color", not: { enum: ["COLOR_UNSPECIFIED"] } }],
  ["tags", { type: "array", items: { type: "string", maxLength: 10 }, minItems: 1, maxItems: 5, uniqueItems: true }],
  ["nickname", { type: "string", minLength: 2 }],
  // IGNORE_IF_ZERO_VALUE: the zero value is allowed besides what the rules allow.
  ["zip", { anyOf: [{ const: "" }, { type: "string", minLength: 5, maxLength: 5 }] }],
  ["ignored", { type: "string" }],
  ["note", { type: "string" }],
];

const All = (await testProtos).getMessage("t.v1.All")!;
const field = (name: string): DescField => All.fields.find((f) => f.name === name)!;

describe("SchemaBuilder", () => {
  it.each(rows)("%s → %o", (name, expected) => {
    expect(new SchemaBuilder().field(field(name))).toEqual(expected);
  });

  it("has a row for every field of t.v1.All", () => {
    expect(All.fields.map((f) => f.name)).toEqual(rows.map(([name]) => name));
  });

  it("collects enums and messages as components named by their full proto name", () => {
    const schemas = new SchemaBuilder();
    expect(schemas.message(All)).toEqual({ $ref: "#/components/schemas/t.v1.All" });
    expect(Object.keys(schemas.components).sort()).toEqual(["t.v1.All", "t.v1.Color"]);
    expect(schemas.components["t.v1.Color"]).toEqual({ type: "string", enum: ["COLOR_UNSPECIFIED", "COLOR_RED"] });
  });

  // `required` is what protovalidate makes of an absent field: its zero value, which
  // rules such as gt 0, len 3 or min_items 1 reject, unless presence or IGNORE_IF_ZERO_VALUE
  // lets it skip them.
  it("marks a field required exactly when protovalidate rejects a message without it", () => {
    const schemas = new SchemaBuilder();
    schemas.message(All);
    const required = schemas.components["t.v1.All"]!.required as string[];
    const result = createValidator().validate(All, create(All));
    expect(result.kind).toBe("invalid");
    const rejected = new Set(result.violations!.map((v) => (v.field[0] as DescField).jsonName));
    expect(required.sort()).toEqual([...rejected].sort());
    expect(required.sort()).toEqual(["big", "code", "gtZero", "id", "note", "outside", "shade", "size", "slug", "tags"]);
  });
});
