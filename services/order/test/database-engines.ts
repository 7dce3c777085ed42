import { usePostgresCluster, type PostgresCluster } from "@grpc-edge/service-kit/testing";
import { afterAll } from "vitest";

/**
 * Call at a test file's top level: the same tests on embedded PGlite and on a real PostgreSQL
 * (a database named after `prefix` in the run's cluster, made on first use).
 */
export function databaseEngines(prefix: string) {
  let cluster: Promise<PostgresCluster> | undefined;
  afterAll(async () => {
    await (await cluster)?.stop();
  });
  return [
    ["PGlite", async (): Promise<Record<string, string>> => ({ PGLITE_DATA_DIR: "memory://" })],
    ["PostgreSQL", async (): Promise<Record<string, string>> => ({ DATABASE_URL: await (await (cluster ??= usePostgresCluster())).createDatabase(prefix) })],
  ] as const;
}
