import type { DescField, DescMessage } from "@bufbuild/protobuf";

/** A field by its proto name ("page_size") or its proto3 JSON name ("pageSize"). */
export function findField(desc: DescMessage, name: string): DescField | undefined {
  return desc.fields.find((f) => f.name === name) ?? desc.fields.find((f) => f.jsonName === name);
}

/**
 * The fields along a dotted path (["book", "name"]), or undefined when a name is
 * unknown or a step before the last is not a singular message.
 */
export function resolveFieldPath(desc: DescMessage, names: readonly string[]): DescField[] | undefined {
  const fields: DescField[] = [];
  let current: DescMessage | undefined = desc;
  for (const name of names) {
    if (current === undefined) return undefined;
    const field = findField(current, name);
    if (field === undefined) return undefined;
    fields.push(field);
    current = field.fieldKind === "message" ? field.message : undefined;
  }
  return fields.length > 0 ? fields : undefined;
}

/** The REST (proto3 JSON) name of a field path: "book.publishTime". */
export function jsonPath(fields: readonly DescField[]): string {
  return fields.map((f) => f.jsonName).join(".");
}
