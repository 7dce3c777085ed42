import type { Path } from "@bufbuild/protobuf/reflect";

/** One broken rule, as protovalidate reports it: where, which rule, and why. */
export interface RuleViolation {
  /** From the validated message to the field (list items and map entries included). */
  path: Path;
  /** protovalidate's rule id, e.g. "int32.gt", "string.min_len", "required". */
  ruleId: string;
  message: string;
}
