export { pathToJson } from "./path-to-json.ts";
export type { RuleViolation } from "./rule-violation.ts";
export { validateMessage } from "./validate-message.ts";
export { fieldRules } from "./field-rules.ts";
export { hasRule } from "./scalar-rules.ts";
