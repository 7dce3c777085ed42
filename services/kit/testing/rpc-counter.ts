import type { Interceptor } from "@connectrpc/connect";

/**
 * Counts the RPCs a service receives, by "package.Service/Method", to prove
 * what one call costs downstream. Pass `interceptor` to `startService`.
 */
export function createRpcCounter() {
  const calls: string[] = [];
  const interceptor: Interceptor = (next) => (req) => {
    calls.push(`${req.service.typeName}/${req.method.name}`);
    return next(req);
  };
  return {
    interceptor,
    /** Every call so far, in arrival order. */
    calls: () => [...calls],
    count: (rpc: string) => calls.filter((c) => c === rpc).length,
    reset: () => void calls.splice(0),
  };
}

export type RpcCounter = ReturnType<typeof createRpcCounter>;
