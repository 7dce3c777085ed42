import { create, type DescField } from "@bufbuild/protobuf";
import { createValidator } from "@bufbuild/protovalidate";
import { Ignore } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import { describe, expect, it } from "vitest";
import { buildFile, Type, type FieldSpec } from "../../test/proto-builder.ts";
import { SchemaBuilder } from "./message-schemas.ts";

// One field per row: its proto shape, and the JSON Schema a client gets for it.
const rows: [string, FieldSpec, Record<string, unknown>][] = [
  ["int32", { type: Type.INT32 }, { type: "integer", format: "int32" }],
  ["uint32", { type: Type.UINT32 }, { type: "integer", format: "uint32", minimum: 0 }],
  ["int64", { type: Type.INT64 }, { type: "string", format: "int64", pattern: "^-?[0-9]+$" }],
  ["uint64", { type: Type.UINT64 }, { type: "string", format: "uint64", pattern: "^[0-9]+$" }],
  ["double", { type: Type.DOUBLE }, { type: "number", format: "double" }],
  ["bool", { type: Type.BOOL }, { type: "boolean" }],
  ["bytes", { type: Type.BYTES }, { type: "string", format: "byte", contentEncoding: "base64" }],
  ["timestamp", { message: ".google.protobuf.Timestamp" }, { type: "string", format: "date-time" }],
  ["mask", { message: ".google.protobuf.FieldMask" }, { type: "string", description: "Comma-separated field paths, e.g. `firstName,email`." }],
  ["wrapped", { message: ".google.protobuf.Int32Value" }, { type: "integer", format: "int32" }],
  ["color", { enum: ".t.v1.Color" }, { $ref: "#/components/schemas/t.v1.Color" }],
  ["names", { repeated: true }, { type: "array", items: { type: "string" } }],
  ["labels", { mapKey: Type.STRING }, { type: "object", additionalProperties: { type: "string" } }],
  ["gt_zero", { type: Type.INT32, rules: { type: { case: "int32", value: { greaterThan: { case: "gt", value: 0 } } } } }, { type: "integer", format: "int32", exclusiveMinimum: 0 }],
  ["percent", { type: Type.DOUBLE, rules: { type: { case: "double", value: { greaterThan: { case: "gte", value: 0 }, lessThan: { case: "lte", value: 100 } } } } }, { type: "number", format: "double", minimum: 0, maximum: 100 }],
  // lo > hi means "outside the range": JSON Schema min/max cannot say it, so it is left out.
  ["outside", { type: Type.INT32, rules: { type: { case: "int32", value: { greaterThan: { case: "gt", value: 10 }, lessThan: { case: "lt", value: 0 } } } } }, { type: "integer", format: "int32" }],
  ["big", { type: Type.INT64, rules: { type: { case: "int64", value: { greaterThan: { case: "gt", value: 5n } } } } }, { type: "string", format: "int64", pattern: "^-?[0-9]+$" }],
  ["code", { rules: { type: { case: "string", value: { len: 3n } } } }, { type: "string", minLength: 3, maxLength: 3 }],
  ["slug", { rules: { type: { case: "string", value: { pattern: "^[a-z]+$" } } } }, { type: "string", pattern: "^[a-z]+$" }],
  ["id", { rules: { type: { case: "string", value: { wellKnown: { case: "uuid", value: true } } } } }, { type: "string", format: "uuid" }],
  ["size", { rules: { type: { case: "string", value: { in: ["S", "M"] } } } }, { type: "string", enum: ["S", "M"] }],
  ["shade", { enum: ".t.v1.Color", rules: { type: { case: "enum", value: { notIn: [0] } } } }, { $ref: "#/components/schemas/t.v1.Color", not: { enum: ["COLOR_UNSPECIFIED"] } }],
  ["tags", { repeated: true, rules: { type: { case: "repeated", value: { minItems: 1n, maxItems: 5n, unique: true, items: { type: { case: "string", value: { maxLen: 10n } } } } } } }, { type: "array", items: { type: "string", maxLength: 10 }, minItems: 1, maxItems: 5, uniqueItems: true }],
  ["nickname", { optional: true, rules: { type: { case: "string", value: { minLen: 2n } } } }, { type: "string", minLength: 2 }],
  // IGNORE_IF_ZERO_VALUE: the zero value is allowed besides what the rules allow.
  ["zip", { rules: { ignore: Ignore.IF_ZERO_VALUE, type: { case: "string", value: { len: 5n } } } }, { anyOf: [{ const: "" }, { type: "string", minLength: 5, maxLength: 5 }] }],
  ["ignored", { rules: { ignore: Ignore.ALWAYS, type: { case: "string", value: { minLen: 1n } } } }, { type: "string" }],
  ["note", { type: Type.STRING, rules: { required: true } }, { type: "string" }],
];

const registry = buildFile({
  name: "t/v1/t.proto",
  package: "t.v1",
  dependencies: ["google/protobuf/timestamp.proto", "google/protobuf/field_mask.proto", "google/protobuf/wrappers.proto"],
  enums: { Color: ["COLOR_UNSPECIFIED", "COLOR_RED"] },
  messages: { All: { fields: Object.fromEntries(rows.map(([name, spec], i) => [name, [i + 1, spec]])) } },
});
const All = registry.getMessage("t.v1.All")!;
const field = (name: string): DescField => All.fields.find((f) => f.name === name)!;

describe("SchemaBuilder", () => {
  it.each(rows)("%s: %o → %o", (name, _spec, expected) => {
    expect(new SchemaBuilder().field(field(name))).toEqual(expected);
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
