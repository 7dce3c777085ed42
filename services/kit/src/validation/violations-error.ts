import type { DescField } from "@bufbuild/protobuf";
import { buildPath, pathToString } from "@bufbuild/protobuf/reflect";
import { Violation, violationsToProto } from "@bufbuild/protovalidate";
import { ViolationsSchema } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import { Code, ConnectError } from "@connectrpc/connect";

/**
 * INVALID_ARGUMENT in the shape protovalidate's own failures have: the message
 * lists "field: problem" pairs for humans, the buf.validate.Violations detail
 * carries them for programs (the gateway turns them into problem+json).
 */
export function violationsError(violations: readonly Violation[]): ConnectError {
  const message = violations.map((v) => `${pathToString(v.field)}: ${v.message}`).join("; ");
  const [value] = violationsToProto([...violations]);
  return new ConnectError(message, Code.InvalidArgument, undefined, [{ desc: ViolationsSchema, value }]);
}

/**
 * A violation protovalidate cannot find by itself (a rule that needs the
 * database or state, e.g. "item 99 does not exist"), addressed like its own.
 */
export function fieldViolation(field: DescField, message: string, ruleId: string): Violation {
  return new Violation(message, ruleId, buildPath(field.parent).field(field).toPath(), [], false);
}
