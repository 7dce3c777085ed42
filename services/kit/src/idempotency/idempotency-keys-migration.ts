import type { KitMigration } from "../database/migrate.ts";

/**
 * The table IdempotencyStore works on. A service places it in its own schema history with a
 * `NNNN_create_idempotency_keys.kit` file in its migrations folder (see readMigrations).
 */
export const idempotencyKeysMigration: KitMigration = {
  name: "create_idempotency_keys",
  sql: `-- Idempotency-Key records of a service's idempotent creates (see docs/security.md). One per
-- caller (the token's sub, '' for anonymous callers), RPC and key; kept at least
-- IDEMPOTENCY_TTL_HOURS, then deleted by the service's cleanup timer.
CREATE TABLE idempotency_keys (
  caller text NOT NULL,
  rpc text NOT NULL,
  key text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  request_sha256 bytea NOT NULL CHECK (length(request_sha256) = 32),
  state text NOT NULL CHECK (state IN ('in_flight', 'completed')),
  -- Who is processing an in-flight request, and until when; a retry may take
  -- over an expired lease (its holder died), completion checks the lease.
  lease text,
  lease_until timestamptz,
  response bytea,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (caller, rpc, key),
  CHECK ((state = 'completed') = (response IS NOT NULL)),
  CHECK ((state = 'in_flight') = (lease IS NOT NULL AND lease_until IS NOT NULL))
);

-- The cleanup deletes by age.
CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at);
`,
  // The same table as each service's own copy created it before the kit owned it (user
  // 0002_create_idempotency_keys.sql, order 0003_…; they differed in a comment only).
  formerChecksums: [
    "0a8644d3d7666c3bbf993a674ecd8f318b723c3497278926505a57c6d397a806",
    "af800c8a754cb136c2cbcb9665451baa65ad9a0815557f5fa1091dc275b26991",
  ],
};
