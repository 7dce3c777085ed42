import { getOption, hasOption, type DescField, type DescMessage, type DescOneof } from "@bufbuild/protobuf";
import {
  field as fieldRulesExtension,
  message as messageRulesExtension,
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

/** A (buf.validate.message).oneof rule: at most one of `fields` set; with `required`, exactly one. */
export interface MessageOneofRule {
  fields: DescField[];
  required: boolean;
}

const messageCache = new WeakMap<DescMessage, MessageOneofRule[]>();

/** The message's oneof rules (its `cel` rules are the services' business). */
export function messageOneofRules(desc: DescMessage): MessageOneofRule[] {
  let rules = messageCache.get(desc);
  if (rules === undefined) {
    const options = hasOption(desc, messageRulesExtension) ? getOption(desc, messageRulesExtension).oneof : [];
    rules = options.map((rule) => ({
      fields: rule.fields.flatMap((name) => desc.fields.filter((f) => f.name === name)),
      required: rule.required,
    }));
    messageCache.set(desc, rules);
  }
  return rules;
}
