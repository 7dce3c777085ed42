import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { codeToString } from "@connectrpc/connect/protocol-connect";
import { ErrorInfoSchema } from "@grpc-edge/proto/google/rpc/error_details";
import { ERROR_DOMAIN, ErrorReason } from "@grpc-edge/proto/shared-names";
import { describe, expect, it } from "vitest";
import { configError, GatewayError, invalidInput, methodNotAllowed } from "./gateway-error.ts";
import { problemFromError } from "./problem-from-error.ts";
import { problemTypes } from "./problem-types.ts";

const secret = "pg: connection to db.internal:5432 failed at Pool.connect (/srv/pool.js:12)";

describe("problemFromError: the Connect code → HTTP table", () => {
  // exposed: the service's message is written for callers and becomes the detail.
  it.each<[Code, number, string, string, boolean]>([
    [Code.InvalidArgument, 400, "invalid_argument", "Invalid argument", true],
    [Code.OutOfRange, 400, "out_of_range", "Out of range", true],
    [Code.Unauthenticated, 401, "unauthenticated", "Unauthenticated", false],
    [Code.PermissionDenied, 403, "permission_denied", "Permission denied", false],
    [Code.NotFound, 404, "not_found", "Not found", true],
    [Code.AlreadyExists, 409, "already_exists", "Already exists", true],
    // 409, not grpc-gateway's 400: a well-formed request that conflicts with the
    // resource's state, e.g. deleting a user who has orders.
    [Code.FailedPrecondition, 409, "failed_precondition", "Failed precondition", true],
    [Code.Aborted, 409, "aborted", "Aborted", false],
    [Code.ResourceExhausted, 429, "resource_exhausted", "Resource exhausted", false],
    [Code.Unimplemented, 501, "unimplemented", "Not implemented", false],
    [Code.Unavailable, 503, "unavailable", "Service unavailable", false],
    [Code.DeadlineExceeded, 504, "deadline_exceeded", "Upstream timeout", false],
    [Code.Canceled, 500, "canceled", "Canceled", false],
    [Code.Unknown, 500, "unknown", "Internal error", false],
    [Code.Internal, 500, "internal", "Internal error", false],
    [Code.DataLoss, 500, "data_loss", "Internal error", false],
  ])("%i → %i %s", (code, status, codeString, title, exposed) => {
    const problem = problemFromError(new ConnectError(secret, code));
    expect(problem).toMatchObject({ status, code: codeString, title, type: `https://grpc-edge.dev/problems/${codeString.replaceAll("_", "-")}` });
    if (exposed) expect(problem.detail).toBe(secret);
    else expect(JSON.stringify(problem)).not.toContain("db.internal");
    expect(problem.detail).not.toBe("");
    expect(problem.violations).toBeUndefined();
  });

  it.each([
    [Code.ResourceExhausted, "1"],
    [Code.Unavailable, "1"],
    [Code.Internal, undefined],
    [Code.NotFound, undefined],
  ])("code %i: Retry-After %s", (code, retryAfter) => {
    expect(problemFromError(new ConnectError("x", code)).headers["Retry-After"]).toBe(retryAfter);
  });
});

describe("problemFromError: what the gateway itself throws", () => {
  it.each<[string, unknown, object]>([
    ["a plain Error is an internal error, message hidden", new Error(secret), { status: 500, code: "internal", detail: "An internal error occurred." }],
    ["a thrown string", secret, { status: 500, code: "internal", detail: "An internal error occurred." }],
    ["undefined", undefined, { status: 500, code: "internal" }],
    ["a TypeError", new TypeError(`Cannot read properties of undefined (${secret})`), { status: 500, code: "internal" }],
    ["a code from a newer peer", new ConnectError(secret, 99 as Code), { status: 500, code: "unknown", detail: "An internal error occurred." }],
    [
      "413",
      new GatewayError(problemTypes.payloadTooLarge, "the request body must be at most 10 bytes"),
      { status: 413, code: "resource_exhausted", type: "https://grpc-edge.dev/problems/payload-too-large", detail: "the request body must be at most 10 bytes" },
    ],
    [
      "415",
      new GatewayError(problemTypes.unsupportedMediaType, "must be JSON"),
      { status: 415, code: "invalid_argument", title: "Unsupported media type" },
    ],
    [
      "405 with Allow",
      methodNotAllowed("PUT", ["GET", "HEAD", "POST"]),
      { status: 405, code: "unimplemented", type: "https://grpc-edge.dev/problems/method-not-allowed", headers: { Allow: "GET, HEAD, POST" }, detail: "PUT is not allowed here; use GET or HEAD or POST" },
    ],
    [
      "a misconfigured gateway names the setting",
      configError("USER_SERVICE_URL must be an http(s) URL"),
      { status: 500, code: "internal", type: "https://grpc-edge.dev/problems/gateway-misconfigured", detail: "USER_SERVICE_URL must be an http(s) URL" },
    ],
  ])("%s", (_, err, expected) => {
    const problem = problemFromError(err);
    expect(problem).toMatchObject(expected);
    expect(JSON.stringify(problem)).not.toContain("db.internal");
  });

  it("violations become violations[] of a 400, listed in the detail", () => {
    const problem = problemFromError(
      invalidInput([
        { field: "firstName", message: "value length must be at least 1 characters" },
        { field: "", message: "exactly one field is required in oneof" },
      ]),
    );
    expect(problem).toMatchObject({ status: 400, code: "invalid_argument", type: "https://grpc-edge.dev/problems/invalid-argument" });
    expect(problem.violations).toEqual([
      { field: "firstName", message: "value length must be at least 1 characters" },
      { field: "", message: "exactly one field is required in oneof" },
    ]);
    expect(problem.detail).toBe("firstName: value length must be at least 1 characters; exactly one field is required in oneof");
  });

  it("bounds what a huge invalid request can make it send back", () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({ field: `userIds[${i}]`, message: "x".repeat(1000) }));
    const problem = problemFromError(invalidInput(many));
    expect(problem.violations).toHaveLength(50);
    expect(problem.violations?.[0]?.message.length).toBeLessThanOrEqual(200);
    expect(problem.detail.length).toBeLessThanOrEqual(300);
  });
});

describe("problemFromError: the services' ErrorInfo reasons", () => {
  const withReason = (code: Code, domain: string, reason: string) =>
    new ConnectError(secret, code, undefined, [{ desc: ErrorInfoSchema, value: create(ErrorInfoSchema, { domain, reason }) }]);

  it.each<[string, ConnectError, object]>([
    [
      "a reused key is 422",
      withReason(Code.InvalidArgument, ERROR_DOMAIN, ErrorReason.idempotencyKeyReused),
      { status: 422, code: "invalid_argument", type: "https://grpc-edge.dev/problems/idempotency-key-reused", headers: {} },
    ],
    [
      "a key in flight is 409, retry in a second",
      withReason(Code.Aborted, ERROR_DOMAIN, ErrorReason.idempotencyKeyInFlight),
      { status: 409, code: "aborted", type: "https://grpc-edge.dev/problems/idempotency-key-in-flight", headers: { "Retry-After": "1" } },
    ],
    [
      "an invalid key stays a plain 400",
      withReason(Code.InvalidArgument, ERROR_DOMAIN, ErrorReason.idempotencyKeyInvalid),
      { status: 400, type: "https://grpc-edge.dev/problems/invalid-argument" },
    ],
    [
      "an order quota reached is 409 with the service's detail, and no Retry-After (waiting does not help)",
      new ConnectError("user 7 has 2 placed orders, the most one user may have; cancel some first", Code.FailedPrecondition, undefined, [
        { desc: ErrorInfoSchema, value: create(ErrorInfoSchema, { domain: ERROR_DOMAIN, reason: ErrorReason.orderQuotaExceeded, metadata: { limit: "2" } }) },
      ]),
      {
        status: 409,
        code: "failed_precondition",
        type: "https://grpc-edge.dev/problems/order-quota-exceeded",
        detail: "user 7 has 2 placed orders, the most one user may have; cancel some first",
        headers: {},
      },
    ],
    [
      "a service's own upstream answer too large is 502, its internals hidden",
      withReason(Code.Internal, ERROR_DOMAIN, ErrorReason.upstreamResponseTooLarge),
      { status: 502, type: "https://grpc-edge.dev/problems/upstream-response-too-large", detail: "An upstream service answered with more data than the gateway accepts." },
    ],
    [
      "a reason of another domain is ignored",
      withReason(Code.InvalidArgument, "example.com", ErrorReason.idempotencyKeyReused),
      { status: 400, type: "https://grpc-edge.dev/problems/invalid-argument" },
    ],
  ])("%s", (_, err, expected) => {
    expect(problemFromError(err)).toMatchObject(expected);
  });
});

describe("the problem catalogue", () => {
  const types = Object.values(problemTypes);

  it("names each problem type once, with an error status", () => {
    expect(new Set(types.map((t) => t.slug)).size).toBe(types.length);
    for (const type of types) expect(type.status).toBeGreaterThanOrEqual(400);
  });

  it("has a problem for every RPC status code", () => {
    const codes = Object.values(Code).filter((c): c is Code => typeof c === "number");
    for (const code of codes) expect(problemFromError(new ConnectError("x", code)).code).toBe(codeToString(code));
  });
});
