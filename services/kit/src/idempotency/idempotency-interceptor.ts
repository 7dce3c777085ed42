import { createHash, timingSafeEqual } from "node:crypto";
import { fromBinary, toBinary, type DescMethod } from "@bufbuild/protobuf";
import { Code, ConnectError, type Interceptor, type UnaryResponse } from "@connectrpc/connect";
import { IDEMPOTENT_REPLAYED_HEADER } from "@grpc-edge/proto/shared-names";
import { callerKey } from "../auth/index.ts";
import { queryBudgetMs, withoutQueryDeadline, type Database } from "../database/index.ts";
import { keyInFlight, keyReused } from "./idempotency-errors.ts";
import { idempotencyKeyOf } from "./idempotency-key.ts";
import { IdempotencyStore, type KeyScope } from "./idempotency-store.ts";
import { responseMetadataOf } from "./response-metadata.ts";

/** A claim without a deadline is taken over by a retry after this long (its holder is presumed dead). */
const DEFAULT_LEASE_MS = 60_000;
// A little longer than the deadline: the holder may still be committing when it passes.
const LEASE_MARGIN_MS = 5_000;

/**
 * Server interceptor for the creates whose writes this service owns: with an
 * `idempotency-key`, the first request runs and its answer is stored in the same
 * transaction as its write; a repeat with the same request replays that answer;
 * with a different request it is INVALID_ARGUMENT (IDEMPOTENCY_KEY_REUSED); while
 * the first still runs it is ABORTED (IDEMPOTENCY_KEY_IN_FLIGHT). A failed first
 * attempt releases the key. Runs after authentication and validation; needs
 * `captureResponseMetadata` in the request gate.
 */
export function idempotencyInterceptor(db: Database, methods: readonly DescMethod[]): Interceptor {
  const store = new IdempotencyStore(db);
  const guarded = new Set(methods.map((m) => `${m.parent.typeName}/${m.name}`));
  return (next) => async (req) => {
    const rpc = `${req.service.typeName}/${req.method.name}`;
    if (req.stream || !guarded.has(rpc)) return next(req);
    const key = idempotencyKeyOf(req.header);
    if (key === undefined) return next(req);

    const caller = req.contextValues.get(callerKey);
    const scope: KeyScope = { caller: caller?.userId === undefined ? "" : String(caller.userId), rpc, key };
    const method = req.method as DescMethod & { methodKind: "unary" };
    // The request's canonical protobuf encoding: the same message hashes the same over gRPC, Connect or JSON.
    const requestHash = createHash("sha256").update(toBinary(method.input, req.message)).digest();
    const budget = queryBudgetMs();
    const claim = await store.claim(scope, requestHash, budget === undefined ? DEFAULT_LEASE_MS : Math.max(budget, 0) + LEASE_MARGIN_MS);

    if (claim.kind !== "claimed") {
      if (!timingSafeEqual(Buffer.from(claim.requestHash), requestHash)) throw keyReused();
      if (claim.kind === "in-flight") throw keyInFlight();
      const { header, trailer } = responseMetadataOf(req.contextValues);
      // Like Stripe's Idempotent-Replayed: the caller can tell a replay from a first answer.
      header.set(IDEMPOTENT_REPLAYED_HEADER, "true");
      const replay: UnaryResponse = { stream: false, service: req.service, method, header, trailer, message: fromBinary(method.output, claim.response) };
      return replay as never;
    }

    try {
      return await db.transaction(async (tx) => {
        const res = await next(req);
        if (res.stream) throw new ConnectError("idempotency keys apply to unary RPCs only", Code.Internal);
        if (!(await store.complete(tx, scope, claim.lease, toBinary(method.output, res.message)))) {
          // Our lease ran out and a retry took the key over: roll our write back.
          throw keyInFlight();
        }
        return res;
      });
    } catch (error) {
      // Even past the deadline, give the key back so that a retry can succeed.
      await withoutQueryDeadline(() => store.release(scope, claim.lease)).catch(() => {});
      throw error;
    }
  };
}
