import { defineConfig } from "vitest/config";

// Four projects, all run by `npm test` (pick one with `npx vitest run --project <name>`):
//   unit        pure in-process tests (no database server, no workerd, no service processes),
//               in worker threads without per-file isolation: nothing is re-imported per file.
//   integration the services against the run's shared PostgreSQL cluster or PGlite, in-process.
//   e2e         whole stacks: workerd with the run's one gateway bundle, services, the images.
//   faults      the slow fault tests: processes killed, frozen, drained or restarted, lost
//               connections, deadlines and retries, exactly-once under crashes.
// Stacks are per file (each file kills or reconfigures its own); what is shared is built once
// per run by the globalSetup files: one PostgreSQL cluster, one gateway bundle with its docs assets.

/** Fault tests: SIGKILL/SIGSTOP/drain, restarts, exactly-once across crashes, deadlines, retries. */
const faults = [
  "test/e2e/degradation.test.ts",
  "test/e2e/drain-under-load.test.ts",
  "test/e2e/order-events-restarts.test.ts",
  "test/e2e/order-events-eventsource-drain.browser.test.ts",
  "test/e2e/exactly-once.test.ts",
  "test/e2e/deadlines.test.ts",
  "test/e2e/retries.test.ts",
  "services/order/test/process.test.ts",
  "services/user/test/idempotency-durability.test.ts",
];

/** In-process files that still need the run's PostgreSQL cluster. */
const kitDatabase = [
  "services/kit/src/database/database.test.ts",
  "services/kit/src/database/database-listener.test.ts",
  "services/kit/src/database/kit-migrations.test.ts",
  "services/kit/src/database/postgres-tls.test.ts",
  "services/kit/src/database/query-deadline.test.ts",
];

/** Script tests that start a whole stack (services and the gateway in workerd). */
const scriptStacks = ["scripts/smoke.test.ts"];

const ignored = ["**/node_modules/**", "**/dist/**", "**/.wrangler/**"];

const postgresSetup = "services/kit/testing/postgres-cluster-setup.ts";
const gatewaySetup = "workers/gateway/test/gateway-bundle-setup.ts";

export default defineConfig({
  test: {
    exclude: ignored,
    // Integration and end-to-end tests start real processes (PostgreSQL, services, workerd).
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // One file per core (2 here): stacks in parallel files starve each other's deadlines beyond that.
    maxWorkers: 2,
    sequence: { groupOrder: 0 },
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: [
            "workers/gateway/src/**/*.test.ts",
            "workers/gateway/test/jwt-verifier-jwks.test.ts",
            "services/*/src/**/*.test.ts",
            "services/kit/testing/**/*.test.ts",
            "scripts/**/*.test.ts",
            "bench/**/*.test.ts",
            "terraform/**/*.test.ts",
            "proto/src/**/*.test.ts",
            "test/images/docker-ignore.test.ts",
          ],
          exclude: [...kitDatabase, ...scriptStacks, ...ignored],
          pool: "threads",
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: [...kitDatabase, "services/*/test/**/*.test.ts"],
          exclude: [...faults, ...ignored],
          pool: "forks",
          globalSetup: [postgresSetup],
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["test/**/*.test.ts", "workers/gateway/test/**/*.test.ts", ...scriptStacks],
          exclude: [...faults, "workers/gateway/test/jwt-verifier-jwks.test.ts", "test/images/docker-ignore.test.ts", ...ignored],
          pool: "forks",
          globalSetup: [postgresSetup, gatewaySetup],
        },
      },
      {
        extends: true,
        test: {
          name: "faults",
          include: faults,
          pool: "forks",
          // Last and one at a time, with no other file competing for the CPU: their deadlines,
          // drains and takeovers are about time (each still runs in a fresh worker).
          sequence: { groupOrder: 1 },
          maxWorkers: 1,
          globalSetup: [postgresSetup, gatewaySetup],
        },
      },
    ],
  },
});
