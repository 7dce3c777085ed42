import type { DescField, DescMessage } from "@bufbuild/protobuf";
import {
  ViolationsSchema,
  type FieldPath,
} from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import { Code, ConnectError } from "@connectrpc/connect";
import { invalidInput } from "./gateway-error.ts";

/**
 * An upstream INVALID_ARGUMENT carrying a buf.validate.Violations detail (what the
 * services' protovalidate interceptor sends) as invalid input in REST naming;
 * any other error is returned unchanged.
 */
export function withRestViolations(err: unknown, input: DescMessage): unknown {
  if (!(err instanceof ConnectError) || err.code !== Code.InvalidArgument) return err;
  const violations = err.findDetails(ViolationsSchema).flatMap((d) => d.violations);
  if (violations.length === 0) return err;
  return invalidInput(violations.map((v) => ({ field: v.field === undefined ? "" : fieldPathToJson(v.field, input), message: v.message })));
}

/** "user_ids[3]" as the services name it → "userIds[3]", looking fields up by number. */
export function fieldPathToJson(path: FieldPath, input: DescMessage): string {
  let desc: DescMessage | undefined = input;
  let out = "";
  for (const element of path.elements) {
    const field: DescField | undefined =
      desc?.fields.find((f) => f.number === element.fieldNumber) ?? desc?.fields.find((f) => f.name === element.fieldName);
    out += (out === "" ? "" : ".") + (field?.jsonName ?? element.fieldName);
    const { subscript } = element;
    if (subscript.case === "stringKey") out += `[${JSON.stringify(subscript.value)}]`;
    else if (subscript.case !== undefined) out += `[${String(subscript.value)}]`;
    desc = field?.message;
  }
  return out;
}
