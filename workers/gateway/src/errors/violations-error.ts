/** One broken rule, addressed in REST naming: "firstName", "userIds[3]", "book.author.name". */
export interface FieldViolation {
  /** The proto3 JSON path of the field; "" for a rule on the whole message. */
  field: string;
  message: string;
}

/**
 * Invalid input whose violations reach the caller as `violations[]` in a 400 problem
 * (code invalid_argument); the message, the problem's detail, lists them for humans.
 * Not a ConnectError subclass: ConnectError's instanceof accepts any ConnectError
 * for its subclasses too, which would make every error look like this one.
 */
export class ViolationsError extends Error {
  override name = "ViolationsError";
  readonly violations: readonly FieldViolation[];

  constructor(violations: readonly FieldViolation[]) {
    super(violations.map((v) => (v.field === "" ? v.message : `${v.field}: ${v.message}`)).join("; "));
    this.violations = violations;
  }
}
