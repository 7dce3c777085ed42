-- Order events (placed, cancelled) for WatchOrders, written in the same statement
-- as the change. Ids increase in commit order: writers take one advisory lock
-- before drawing an id and hold it to commit (order-event-sql.ts says why).
CREATE TABLE order_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id integer NOT NULL CHECK (user_id > 0),
  order_id integer NOT NULL REFERENCES orders (id),
  type text NOT NULL CHECK (type IN ('placed', 'cancelled')),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- A stream reads "this user's events after id N".
CREATE INDEX order_events_user_id_id_idx ON order_events (user_id, id);

-- Retention: the cleanup deletes old events, oldest first, and records the
-- highest id it deleted; a resume point below it may have lost events (RESET).
CREATE TABLE order_events_watermark (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  pruned_through bigint NOT NULL DEFAULT 0
);
INSERT INTO order_events_watermark DEFAULT VALUES;
