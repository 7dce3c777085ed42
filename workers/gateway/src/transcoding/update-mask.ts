import { clone, create, type DescField, type DescMessage, type JsonValue, type Message } from "@bufbuild/protobuf";
import { reflect, scalarZeroValue, type ReflectMessage } from "@bufbuild/protobuf/reflect";
import { FieldMaskSchema, type FieldMask } from "@bufbuild/protobuf/wkt";
import type { FieldViolation } from "../errors/gateway-error.ts";
import { pathToJson, validateMessage } from "../validation/index.ts";
import { findField } from "./field-path.ts";
import type { BodyBinding, PathField } from "./http-bindings.ts";
import { isObject } from "./json-body-violations.ts";

/**
 * The request's `google.protobuf.FieldMask update_mask` (AIP-134), when it has one and a
 * body: the field the edge fills from the body's keys when the client sends no mask.
 */
export function updateMaskField(input: DescMessage, body: BodyBinding): DescField | undefined {
  if (body.kind === "none") return undefined;
  const field = input.fields.find((f) => f.name === "update_mask");
  return field?.fieldKind === "message" && field.message.typeName === FieldMaskSchema.typeName ? field : undefined;
}

interface MaskBinding {
  input: DescMessage;
  body: BodyBinding;
  pathFields: readonly PathField[];
  updateMask: DescField;
}

/**
 * Completes and checks the update mask of a built request message: without one (none in
 * the query or the body), it names the top-level keys of the JSON body (null included);
 * then every path must name a field the body may carry (else 400 naming the path), and
 * a named field with no value is cleared — allowed only where its rules accept the empty
 * value, else 400 naming the rule it would break.
 */
export function completeUpdateMask(binding: MaskBinding, root: ReflectMessage, body: JsonValue | undefined): FieldViolation[] {
  const { updateMask } = binding;
  const target = binding.body.kind === "field" ? binding.body.field.message : binding.input;
  if (target === undefined) return [];
  const bound = boundHere(binding);
  let paths: string[];
  if (root.isSet(updateMask)) {
    paths = ((root.get(updateMask) as ReflectMessage).message as FieldMask).paths;
  } else {
    paths = isObject(body)
      ? Object.keys(body).flatMap((key) => {
          const field = findField(target, key);
          return field === undefined || field === updateMask || bound.has(field) ? [] : [field.name];
        })
      : [];
    if (paths.length === 0) return [];
    root.set(updateMask, reflect(FieldMaskSchema, create(FieldMaskSchema, { paths })));
  }

  const violations: FieldViolation[] = [];
  const masked: DescField[][] = [];
  for (const path of paths) {
    const fields = resolveMaskPath(target, path);
    if (fields === undefined || fields.some((f) => f === updateMask || bound.has(f))) {
      violations.push({ field: updateMask.jsonName, message: `"${path}" is not a field of ${target.name} that an update may change` });
    } else masked.push(fields);
  }
  if (violations.length > 0) return violations;
  return clearingViolations(binding, root.message, masked);
}

/** The fields a path names, through singular messages, in proto names (FieldMask's own). */
function resolveMaskPath(desc: DescMessage, path: string): DescField[] | undefined {
  const fields: DescField[] = [];
  let current: DescMessage | undefined = desc;
  for (const name of path.split(".")) {
    const field: DescField | undefined = current?.fields.find((f) => f.name === name);
    if (field === undefined) return undefined;
    fields.push(field);
    current = field.fieldKind === "message" ? field.message : undefined;
  }
  return fields;
}

/** The fields the path binds, relative to the body's message. */
function boundHere(binding: MaskBinding): Set<DescField> {
  const { body } = binding;
  const bound = new Set<DescField>();
  for (const { fields } of binding.pathFields) {
    if (body.kind === "all" && fields.length === 1) bound.add(fields[0]!);
    if (body.kind === "field" && fields[0] === body.field && fields.length === 2) bound.add(fields[1]!);
  }
  return bound;
}

/**
 * A masked field with no value is cleared: the request is validated again with each such
 * field set to its empty value, and whatever rule that breaks is the answer.
 */
function clearingViolations(binding: MaskBinding, message: Message, masked: DescField[][]): FieldViolation[] {
  const copy = reflect(binding.input, clone(binding.input, message as never));
  const prefix = binding.body.kind === "field" ? [binding.body.field] : [];
  const clearedPaths: string[] = [];
  for (const fields of masked) {
    let holder = copy;
    let unset = false;
    for (const field of [...prefix, ...fields.slice(0, -1)]) {
      if (!holder.isSet(field)) {
        unset = true;
        break;
      }
      holder = holder.get(field) as ReflectMessage;
    }
    const leaf = fields.at(-1)!;
    if (!unset && holder.isSet(leaf)) continue;
    clearedPaths.push([...prefix, ...fields].map((f) => f.jsonName).join("."));
    if (unset) continue;
    // An explicit-presence scalar reads as absent when unset: give it its empty value.
    if (leaf.fieldKind === "scalar") holder.set(leaf, scalarZeroValue(leaf.scalar, false) as never);
    else if (leaf.fieldKind === "enum") holder.set(leaf, 0 as never);
  }
  if (clearedPaths.length === 0) return [];
  return validateMessage(binding.input, copy.message)
    .map((v) => ({ field: pathToJson(v.path), rule: v.ruleId, message: v.message }))
    .filter((v) => clearedPaths.some((p) => v.field === p || v.field.startsWith(`${p}.`)))
    .map((v) => ({ field: v.field, message: `cannot be cleared (it is in the update mask with no value): ${v.message} [${v.rule}]` }));
}
