import type { Interceptor } from "@connectrpc/connect";
import { orderServiceDefinition } from "@grpc-edge/order-service";
import { startService } from "@grpc-edge/service-kit";
import { usePostgresCluster, TEST_SERVICE_TOKEN_SECRET, type PostgresCluster } from "@grpc-edge/service-kit/testing";
import { userServiceDefinition } from "../src/index.ts";

// Test helper: the two services wired together as in production, on a database engine of choice.
const quiet = { PORT: "0", METRICS_PORT: "0", SEED_DEMO_DATA: "true", LOG_LEVEL: "silent", SERVICE_TOKEN_SECRET: TEST_SERVICE_TOKEN_SECRET };

export interface PairDatabases {
  user: Record<string, string>;
  order: Record<string, string>;
}

export async function startPair(db: PairDatabases, interceptors: { user?: Interceptor[]; order?: Interceptor[] } = {}) {
  const order = await startService(orderServiceDefinition, { ...quiet, ...db.order }, { interceptors: interceptors.order });
  const user = await startService(userServiceDefinition, { ...quiet, ...db.user, ORDER_SERVICE_URL: order.url }, { interceptors: interceptors.user });
  return { order, user, stop: () => Promise.all([user.stop(1_000), order.stop(1_000)]) };
}

let cluster: Promise<PostgresCluster> | undefined;

/**
 * The same behaviour on embedded PGlite and on a real PostgreSQL server (the run's
 * shared cluster, or a throwaway one started on first use; call `stopPostgres` afterAll).
 */
export function engines(prefix: string) {
  return [
    ["PGlite", async (): Promise<PairDatabases> => ({ user: { PGLITE_DATA_DIR: "memory://" }, order: { PGLITE_DATA_DIR: "memory://" } })],
    [
      "PostgreSQL",
      async (): Promise<PairDatabases> => {
        const pg = await (cluster ??= usePostgresCluster());
        return { user: { DATABASE_URL: await pg.createDatabase(`${prefix}_users`) }, order: { DATABASE_URL: await pg.createDatabase(`${prefix}_orders`) } };
      },
    ],
  ] as const;
}

export async function stopPostgres(): Promise<void> {
  await (await cluster)?.stop();
  cluster = undefined;
}
