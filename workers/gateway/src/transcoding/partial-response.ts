import { create, type DescField, type DescMessage, type JsonObject, type JsonValue } from "@bufbuild/protobuf";
import { reflect, type ReflectMessage } from "@bufbuild/protobuf/reflect";
import { FieldMaskSchema } from "@bufbuild/protobuf/wkt";
import { invalidInput, type FieldViolation } from "../errors/gateway-error.ts";
import { findField } from "./field-path.ts";
import type { HttpBinding } from "./http-bindings.ts";
import { isObject } from "./json-body-violations.ts";

/** The query parameter of a partial response (AIP-157). */
export const FIELDS_PARAM = "fields";
// A bound on the work one query string can ask for.
const maxFieldPaths = 100;

/**
 * What a route returns, as `?fields=` sees it: the answer itself (GET /api/orders/{id}),
 * the one message it wraps (`{user: …}`), or the elements of its one list (the page
 * token and other scalars are kept).
 */
export type ResourceShape =
  | { kind: "whole"; message: DescMessage }
  | { kind: "wrapped" | "list"; field: DescField; message: DescMessage };

export function resourceShape(binding: Pick<HttpBinding, "method" | "responseBody">): ResourceShape | undefined {
  const { responseBody } = binding;
  const root = responseBody === undefined ? binding.method.output : responseBody.fieldKind === "message" ? responseBody.message : undefined;
  if (root === undefined) return undefined;
  const messages = root.fields.filter((f) => f.fieldKind === "message" || (f.fieldKind === "list" && f.listKind === "message"));
  const only = root.fields.length === 1 ? root.fields[0] : undefined;
  if (only?.fieldKind === "message" && !isJsonScalarMessage(only.message)) return { kind: "wrapped", field: only, message: only.message };
  const list = messages.length === 1 ? messages[0]! : undefined;
  if (list?.fieldKind === "list" && list.listKind === "message") return { kind: "list", field: list, message: list.message };
  return { kind: "whole", message: root };
}

/** A selection: each selected field by JSON name, with the selection inside it (undefined: all of it). */
export type Selection = Map<string, Selection | undefined>;

export interface FieldSelection {
  shape: ResourceShape;
  selection: Selection;
  /** The same paths in proto names ("orders.item.name"), for a read_mask. */
  protoPaths: string[];
}

/**
 * Parses `?fields=id,firstName,orders.item.name` against the resource the route returns.
 * Names are proto3 JSON (or proto) names; a path through a list goes into its elements.
 * An unknown path is a 400 naming it; no path at all (`?fields=`) selects everything.
 */
export function parseFields(text: string, shape: ResourceShape): FieldSelection | undefined {
  const paths = text.split(",").map((p) => p.trim()).filter((p) => p !== "");
  if (paths.length === 0) return undefined;
  const violations: FieldViolation[] = [];
  if (paths.length > maxFieldPaths) throw invalidInput([{ field: FIELDS_PARAM, message: `names ${paths.length} paths; at most ${maxFieldPaths}` }]);
  const selection: Selection = new Map();
  const protoPaths: string[] = [];
  for (const path of paths) {
    const names = path.split(".");
    let desc: DescMessage | undefined = shape.message;
    let node: Selection | undefined = selection;
    const protoNames: string[] = [];
    for (const [index, name] of names.entries()) {
      const field: DescField | undefined = desc === undefined ? undefined : findField(desc, name);
      if (field === undefined || node === undefined) {
        violations.push({ field: FIELDS_PARAM, message: `"${path}" is not a field of ${shape.message.name}` });
        break;
      }
      protoNames.push(field.name);
      const last = index === names.length - 1;
      // A field selected whole stays whole ("orders,orders.id" is "orders").
      if (last) node.set(field.jsonName, undefined);
      else {
        if (node.has(field.jsonName) && node.get(field.jsonName) === undefined) break;
        const child: Selection = node.get(field.jsonName) ?? new Map();
        node.set(field.jsonName, child);
        node = child;
      }
      desc = messageOf(field);
      if (last) protoPaths.push(protoNames.join("."));
    }
  }
  if (violations.length > 0) throw invalidInput(violations);
  return { shape, selection, protoPaths };
}

/** The answer with only the selected fields of the resource. */
export function selectFields(json: JsonValue, { shape, selection }: FieldSelection): JsonValue {
  if (shape.kind === "whole") return pick(json, selection);
  if (!isObject(json)) return json;
  const inner = json[shape.field.jsonName];
  const picked = shape.kind === "list" && Array.isArray(inner) ? inner.map((e) => pick(e, selection)) : pick(inner ?? null, selection);
  return { ...json, [shape.field.jsonName]: picked };
}

/** Sets the request's read_mask (when it has one) to the selection, so the service can skip work. */
export function setReadMask(root: ReflectMessage, { protoPaths }: FieldSelection): void {
  const field = root.desc.fields.find((f) => f.name === "read_mask");
  if (field?.fieldKind !== "message" || field.message.typeName !== FieldMaskSchema.typeName || protoPaths.length === 0) return;
  root.set(field, reflect(FieldMaskSchema, create(FieldMaskSchema, { paths: protoPaths })));
}

function pick(json: JsonValue, selection: Selection): JsonValue {
  if (Array.isArray(json)) return json.map((e) => pick(e, selection));
  if (!isObject(json)) return json;
  const out: JsonObject = {};
  for (const [name, inner] of selection) {
    if (!(name in json)) continue;
    out[name] = inner === undefined ? json[name]! : pick(json[name]!, inner);
  }
  return out;
}

/** The message a path may go on into: singular or repeated messages written as JSON objects. */
function messageOf(field: DescField): DescMessage | undefined {
  const message = field.fieldKind === "message" ? field.message : field.fieldKind === "list" && field.listKind === "message" ? field.message : undefined;
  return message === undefined || isJsonScalarMessage(message) ? undefined : message;
}

// Well-known types whose JSON is not an object of their fields (a string, a number, any value).
function isJsonScalarMessage(message: DescMessage): boolean {
  return message.typeName.startsWith("google.protobuf.") && message.typeName !== "google.protobuf.Empty";
}
