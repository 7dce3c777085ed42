import type { DescMethod, DescService } from "@bufbuild/protobuf";
import { MethodOptions_IdempotencyLevel } from "@bufbuild/protobuf/wkt";
import { httpBindings } from "../transcoding/http-bindings.ts";

/**
 * The RPCs that are safe to repeat: those published as GET (REST's promise that a
 * GET changes nothing) or declared `idempotency_level = NO_SIDE_EFFECTS`.
 */
export function readOnlyMethods(services: readonly DescService[]): (method: DescMethod) => boolean {
  const reads = new Set<DescMethod>(httpBindings(services).filter((b) => b.httpMethod === "GET").map((b) => b.method));
  return (method) => reads.has(method) || method.idempotency === MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS;
}
