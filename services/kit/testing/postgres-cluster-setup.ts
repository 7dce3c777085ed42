// vitest globalSetup: one PostgreSQL cluster for the whole run, whichever projects use it
// (each calls this setup; the first starts the cluster, the last teardown stops it).
// Test files get it with usePostgresCluster() and make their own databases in it.
import type { TestProject } from "vitest/node";
import { startPostgresCluster, type PostgresCluster } from "./postgres-cluster.ts";

interface Shared {
  cluster: Promise<PostgresCluster>;
  users: number;
}

// Projects may load this module separately; the run's main process is one.
const key = Symbol.for("grpc-edge.test.postgres-cluster");
const registry = globalThis as { [key]?: Shared };

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const shared = (registry[key] ??= { cluster: startPostgresCluster(), users: 0 });
  shared.users += 1;
  let cluster: PostgresCluster;
  try {
    cluster = await shared.cluster;
  } catch (error) {
    delete registry[key];
    throw error;
  }
  project.provide("postgresUrl", cluster.url);
  return async () => {
    shared.users -= 1;
    if (shared.users > 0) return;
    delete registry[key];
    await cluster.stop();
  };
}
