import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { Health, HealthCheckResponseSchema, HealthListResponseSchema } from "@grpc-edge/proto/grpc/health/v1";
import { ServingStatus, type HealthRegistry } from "./health-registry.ts";

/**
 * grpc.health.v1.Health backed by a HealthRegistry (Check, List and streaming Watch).
 * `dependenciesReachable`, when given, is asked on every Check of a serving service,
 * as /readyz asks it: a service that cannot reach its database is NOT_SERVING.
 */
export function healthService(registry: HealthRegistry, dependenciesReachable?: () => Promise<boolean>): ServiceImpl<typeof Health> {
  return {
    async check(req) {
      let status = registry.get(req.service);
      if (status === undefined) throw new ConnectError(`unknown service "${req.service}"`, Code.NotFound);
      if (status === ServingStatus.SERVING && dependenciesReachable && !(await dependenciesReachable())) status = ServingStatus.NOT_SERVING;
      return create(HealthCheckResponseSchema, { status });
    },
    list() {
      const statuses = Object.fromEntries(registry.entries().map(([name, status]) => [name, create(HealthCheckResponseSchema, { status })]));
      return create(HealthListResponseSchema, { statuses });
    },
    async *watch(req, ctx) {
      // `changed` is set by every registry change, even one that happens while
      // this generator is suspended at a yield, so no transition is missed.
      let changed = true;
      let wake: (() => void) | undefined;
      const unsubscribe = registry.onChange(() => {
        changed = true;
        wake?.();
      });
      const aborted = new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve(), { once: true }));
      try {
        let last: ServingStatus | undefined;
        while (!ctx.signal.aborted) {
          if (!changed) await Promise.race([new Promise<void>((resolve) => (wake = resolve)), aborted]);
          changed = false;
          const status = registry.get(req.service) ?? ServingStatus.SERVICE_UNKNOWN;
          if (status !== last && !ctx.signal.aborted) {
            last = status;
            yield create(HealthCheckResponseSchema, { status });
          }
          // Open watch streams must not hold up a drain.
          if (registry.shuttingDown) return;
        }
      } finally {
        unsubscribe();
      }
    },
  };
}
