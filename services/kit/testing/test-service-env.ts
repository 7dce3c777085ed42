import { TEST_SERVICE_TOKEN_SECRET } from "./mint-service-token.ts";

/** Environment of a quiet test service on free ports and in-memory PGlite; `overrides` win. */
export function testServiceEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return { PORT: "0", METRICS_PORT: "0", PGLITE_DATA_DIR: "memory://", LOG_LEVEL: "silent", SERVICE_TOKEN_SECRET: TEST_SERVICE_TOKEN_SECRET, ...overrides };
}
