-- Idempotency-Key records of CreateUser (see docs/security.md). One per caller
-- (the token's sub, '' for anonymous callers), RPC and key; kept at least
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
