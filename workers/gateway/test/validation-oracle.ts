import type { DescMessage, Message } from "@bufbuild/protobuf";
import { pathToString, type Path } from "@bufbuild/protobuf/reflect";
import { createValidator } from "@bufbuild/protovalidate";
import { pathToJson } from "../src/validation/path-to-json.ts";
import { validateMessage } from "../src/validation/validate-message.ts";

/** One violation as a REST client sees it (field, message) plus the rule behind it. */
export interface Seen {
  /** protobuf-es pathToString: proto names, `[3]`, `["key"]`. */
  path: string;
  /** The 400's `field`: proto3 JSON names. */
  field: string;
  ruleId: string;
  message: string;
}

const validator = createValidator();

function seen(path: Path, ruleId: string, message: string): Seen {
  return { path: pathToString(path), field: pathToJson(path), ruleId, message };
}

/** Full protovalidate (what the services run): the reference. */
export function protovalidate(desc: DescMessage, message: Message): Seen[] {
  const result = validator.validate(desc, message);
  if (result.kind === "error") throw new Error(`protovalidate could not validate ${desc.typeName}: ${String(result.error)}`);
  return (result.violations ?? []).map((v) => seen(v.field, v.ruleId, v.message));
}

/** The edge's light validator. */
export function edge(desc: DescMessage, message: Message): Seen[] {
  return validateMessage(desc, message).map((v) => seen(v.path, v.ruleId, v.message));
}

/** Order-independent form for comparison: one line per violation, sorted. */
export function canonical(violations: readonly Seen[]): string[] {
  return violations.map((v) => `${v.path} | ${v.field} | ${v.ruleId} | ${v.message}`).sort();
}

/** The lines of `lines` that `reference` does not have (as many times). */
export function beyond(lines: readonly string[], reference: readonly string[]): string[] {
  const left = [...reference];
  return lines.filter((line) => {
    const at = left.indexOf(line);
    if (at === -1) return true;
    left.splice(at, 1);
    return false;
  });
}
