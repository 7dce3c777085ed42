// Property-based fuzzing of the whole REST surface (every middleware, routing, transcoding,
// validation, the edge cache and the error path) through app.request(), with the services
// replaced by an in-memory router transport that answers OK or with a chosen error code.
// Whatever is asked, the answer is never a 5xx other than 503/504, and every error is
// problem JSON with the documented fields. FUZZ_RUNS sets the number of cases (npm run fuzz).
import { create, type DescService } from "@bufbuild/protobuf";
import { ViolationsSchema } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import { Code, ConnectError, createRouterTransport, type ConnectRouter } from "@connectrpc/connect";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { fuzzTokens } from "../test/fuzz-tokens.ts";
import { TEST_JWT } from "../test/jwt-test-kit.ts";
import { createMemoryCache } from "../test/memory-cache.ts";
import { requestArb, urlOf, type FuzzRequest, type TokenSet } from "../test/rest-fuzz-arbitraries.ts";
import { insaneAnswer } from "../test/sane-answer.ts";
import { serviceTokenInterceptor } from "./auth/service-token-interceptor.ts";
import { createJwtVerifier } from "./auth/jwt-verifier.ts";
import { createApp } from "./create-app.ts";
import { readOnlyMethods } from "./routing/read-only-methods.ts";
import { RetryBudget } from "./transport/retry-budget.ts";
import { retryInterceptor } from "./transport/retry-interceptor.ts";
import { publishedServices } from "./routing/published-services.ts";

const runs = Number(process.env.FUZZ_RUNS ?? 2_000);
const services = publishedServices;

/** What the fake upstream does with the next call. */
let outcome: "ok" | Code = "ok";
const outcomes = fc.oneof(
  { weight: 6, arbitrary: fc.constant<"ok">("ok") },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      Code.NotFound, Code.InvalidArgument, Code.PermissionDenied, Code.Unauthenticated, Code.AlreadyExists, Code.FailedPrecondition,
      Code.Aborted, Code.ResourceExhausted, Code.Unavailable, Code.DeadlineExceeded, Code.OutOfRange,
    ),
  },
);

function upstream(router: ConnectRouter): void {
  for (const service of services as readonly DescService[]) {
    const impl = Object.fromEntries(
      service.methods.map((m) => [
        m.localName,
        () => {
          if (outcome === "ok") return create(m.output);
          const err = new ConnectError("upstream says no", outcome);
          if (outcome === Code.InvalidArgument) {
            err.details.push({ desc: ViolationsSchema, value: create(ViolationsSchema, { violations: [{ message: "bad", field: { elements: [{ fieldNumber: 1, fieldName: "id" }] } }] }) });
          }
          throw err;
        },
      ]),
    );
    router.service(service, impl as never);
  }
}

let tokens: TokenSet;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  tokens = await fuzzTokens();
  const transport = createRouterTransport(upstream, {
    transport: {
      interceptors: [
        retryInterceptor({ isIdempotent: readOnlyMethods(services), budget: new RetryBudget(), sleep: async () => {} }),
        serviceTokenInterceptor("fuzz-service-token-secret-0123456789abcdef"),
      ],
    },
  });
  const memory = createMemoryCache();
  app = createApp({
    transport,
    services,
    log: () => {},
    edge: {
      verify: createJwtVerifier({ issuer: TEST_JWT.issuer, audience: TEST_JWT.audience, admin: TEST_JWT.admin, keys: { kind: "secret", secret: TEST_JWT.secret } }),
      publicReads: true,
      corsAllowedOrigins: ["https://app.example.com"],
      rateLimitPeriodSeconds: 60,
      authFailurePeriodSeconds: 60,
    },
    cache: { cache: () => memory.cache as unknown as Cache, ttlSeconds: 5 },
  });
});

/** The request as fetch would build it; undefined if no HTTP client could send it. */
function toRequest(req: FuzzRequest): Request | undefined {
  try {
    return new Request(urlOf("http://gateway.test", req), { method: req.method, headers: req.headers, body: req.body });
  } catch {
    return undefined;
  }
}

describe("the REST surface, fuzzed in memory", () => {
  it(`never answers 5xx (but 503/504) and always problem JSON for errors (${runs} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(requestArb(tokens), outcomes, async (req, next) => {
        const request = toRequest(req);
        fc.pre(request !== undefined);
        outcome = next;
        const res = await app.request(request!);
        const problem = await insaneAnswer(req.method, res);
        expect(problem, `${req.method} ${req.target}`).toBeUndefined();
      }),
      { numRuns: runs, endOnFailure: true },
    );
  }, 120_000);
});
