import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { ViolationsSchema } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { libraryMessage } from "../../test/library-service.ts";
import { withRestViolations } from "./upstream-violations.ts";
import { GatewayError } from "./gateway-error.ts";

const createBookRequest = libraryMessage("CreateBookRequest");

/** What the services' protovalidate interceptor sends: INVALID_ARGUMENT with a Violations detail. */
function upstream(violations: MessageInitShape<typeof ViolationsSchema>["violations"], code = Code.InvalidArgument): ConnectError {
  return new ConnectError("validation failed", code, undefined, [{ desc: ViolationsSchema, value: create(ViolationsSchema, { violations }) }]);
}

const book = { fieldNumber: 2, fieldName: "book" };

describe("withRestViolations", () => {
  it.each<[string, MessageInitShape<typeof ViolationsSchema>["violations"], { field: string; message: string }[]]>([
    ["a top-level field", [{ field: { elements: [{ fieldNumber: 3, fieldName: "request_id" }] }, message: "required" }], [{ field: "requestId", message: "required" }]],
    ["a nested field by number", [{ field: { elements: [book, { fieldNumber: 6, fieldName: "page_count" }] }, message: "too many" }], [{ field: "book.pageCount", message: "too many" }]],
    ["a list index", [{ field: { elements: [book, { fieldNumber: 7, fieldName: "tags", subscript: { case: "index", value: 3n } }] }, message: "empty" }], [{ field: "book.tags[3]", message: "empty" }]],
    ["a map key", [{ field: { elements: [{ fieldNumber: 9, fieldName: "labels", subscript: { case: "stringKey", value: "k" } }] }, message: "bad" }], [{ field: 'labels["k"]', message: "bad" }]],
    ["a field this gateway does not know keeps the service's name", [{ field: { elements: [{ fieldNumber: 99, fieldName: "new_field" }] }, message: "x" }], [{ field: "new_field", message: "x" }]],
    ["a message-level rule", [{ message: "title or author is required" }], [{ field: "", message: "title or author is required" }]],
  ])("%s", (_, violations, expected) => {
    const err = withRestViolations(upstream(violations), createBookRequest);
    expect(err).toBeInstanceOf(GatewayError);
    expect((err as GatewayError).violations).toEqual(expected);
  });

  it.each<[string, ConnectError | Error]>([
    ["INVALID_ARGUMENT without a Violations detail", new ConnectError("bad", Code.InvalidArgument)],
    ["another code, even with violations", upstream([{ message: "x" }], Code.FailedPrecondition)],
    ["a plain Error", new Error("boom")],
  ])("leaves %s as it is", (_, err) => {
    expect(withRestViolations(err, createBookRequest)).toBe(err);
  });
});
