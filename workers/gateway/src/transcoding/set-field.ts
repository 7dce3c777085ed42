import type { DescField } from "@bufbuild/protobuf";
import { reflect, type ReflectMessage } from "@bufbuild/protobuf/reflect";

/**
 * The message that holds the last of `fields`, creating the messages on the way
 * (every step before the last is a singular message; resolveFieldPath checked that).
 */
export function holderOf(root: ReflectMessage, fields: readonly DescField[]): ReflectMessage {
  let current = root;
  for (const field of fields.slice(0, -1)) {
    if (field.fieldKind !== "message") throw new Error(`${field.toString()} is not a message field`);
    // get() of a set message field wraps the same object, so later writes land in it.
    const child = current.isSet(field) ? current.get(field) : reflect(field.message);
    current.set(field, child);
    current = child;
  }
  return current;
}
