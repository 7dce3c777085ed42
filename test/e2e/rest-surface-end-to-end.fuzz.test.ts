// The REST fuzz test against the real thing: the gateway bundle in workerd, the user and
// order services behind it (PGlite), real end-user tokens. Fewer cases than the in-memory
// run (workers/gateway/src/rest-surface.fuzz.test.ts), the same invariant: no 5xx but
// 503/504, every error problem JSON with the documented fields. FUZZ_RUNS / 10 cases; FUZZ_SEED replays a run.
import { orderServiceDefinition } from "@grpc-edge/order-service";
import { startService, type RunningService } from "@grpc-edge/service-kit";
import { testServiceEnv } from "@grpc-edge/service-kit/testing";
import { userServiceDefinition } from "@grpc-edge/user-service";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fuzzTokens } from "../../workers/gateway/test/fuzz-tokens.ts";
import { requestArb, urlOf, type TokenSet } from "../../workers/gateway/test/rest-fuzz-arbitraries.ts";
import { insaneAnswer } from "../../workers/gateway/test/sane-answer.ts";
import { startGateway, type RunningGateway } from "../../workers/gateway/test/start-gateway.ts";

const runs = Math.max(50, Math.round(Number(process.env.FUZZ_RUNS ?? 2_000) / 10));
// workerd's HTTP server answers any other method itself (501 text/plain "Unrecognized request
// method") before the Worker runs; Cloudflare's edge refuses them before the Worker too.
const workerdMethods = new Set(
  "GET HEAD POST PUT DELETE PATCH PURGE OPTIONS TRACE COPY LOCK MKCOL MOVE PROPFIND PROPPATCH SEARCH UNLOCK ACL REPORT MKACTIVITY CHECKOUT MERGE MSEARCH NOTIFY SUBSCRIBE UNSUBSCRIBE QUERY BAN".split(" "),
);

let order: RunningService;
let user: RunningService;
let gateway: RunningGateway;
let tokens: TokenSet;

beforeAll(async () => {
  tokens = await fuzzTokens();
  order = await startService(orderServiceDefinition, testServiceEnv({ SEED_DEMO_DATA: "true" }));
  user = await startService(userServiceDefinition, testServiceEnv({ SEED_DEMO_DATA: "true", ORDER_SERVICE_URL: order.url }));
  gateway = await startGateway({ userServiceUrl: user.url, orderServiceUrl: order.url });
});
afterAll(async () => {
  await gateway?.stop();
  await user?.stop(0);
  await order?.stop(0);
});

describe("the REST surface, fuzzed through workerd and the real services", () => {
  it(`never answers 5xx (but 503/504) and always problem JSON for errors (${runs} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(requestArb(tokens).filter((r) => workerdMethods.has(r.method)), async (req) => {
        // A Content-Length that lies about a body on the wire would only make the socket wait;
        // the in-memory run covers lying headers.
        const headers = req.headers.filter(([name]) => name !== "content-length");
        let res: Response;
        try {
          res = await fetch(urlOf(gateway.url, req), { method: req.method, headers, body: req.body, redirect: "manual", signal: AbortSignal.timeout(10_000) });
        } catch (err) {
          // Only what the client itself refuses to send (a bad method or URL) is skipped.
          fc.pre(!(err instanceof TypeError && !String((err as Error).cause ?? "").includes("ECONN")));
          throw err;
        }
        // Under /docs a successful GET is a static asset (HTML, CSS, JavaScript); its errors are
        // the Worker's like anywhere else (405 with Allow for other methods, 404 for a miss).
        if (new URL(urlOf(gateway.url, req)).pathname.startsWith("/docs") && res.status < 400) {
          await res.arrayBuffer();
          return;
        }
        const problem = await insaneAnswer(req.method, res);
        expect(problem, `${req.method} ${req.target}`).toBeUndefined();
      }),
      // FUZZ_SEED replays a failing run (fast-check prints its seed).
      { numRuns: runs, endOnFailure: true, ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}) },
    );
  }, 300_000);
});
