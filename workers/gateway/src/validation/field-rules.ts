import { getOption, hasOption, type DescField, type DescOneof } from "@bufbuild/protobuf";
import {
  field as fieldRulesExtension,
  oneof as oneofRulesExtension,
  type FieldRules,
} from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";

// Options are decoded from the descriptor on every getOption call; once per field is enough.
const fieldCache = new WeakMap<DescField, FieldRules | null>();

/** The field's (buf.validate.field) rules, or undefined when it has none. */
export function fieldRules(field: DescField): FieldRules | undefined {
  let rules = fieldCache.get(field);
  if (rules === undefined) {
    rules = hasOption(field, fieldRulesExtension) ? getOption(field, fieldRulesExtension) : null;
    fieldCache.set(field, rules);
  }
  return rules ?? undefined;
}

/** (buf.validate.oneof).required: exactly one member must be set. */
export function oneofRequired(oneof: DescOneof): boolean {
  return hasOption(oneof, oneofRulesExtension) && getOption(oneof, oneofRulesExtension).required;
}
