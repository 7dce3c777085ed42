-- Orders can be cancelled: they stay, for the record, with the time they were
-- cancelled. Existing orders were placed.
ALTER TABLE orders
  ADD COLUMN status text NOT NULL DEFAULT 'placed' CHECK (status IN ('placed', 'cancelled')),
  ADD COLUMN cancel_time timestamptz,
  ADD CONSTRAINT orders_cancel_time_iff_cancelled CHECK ((status = 'cancelled') = (cancel_time IS NOT NULL));

-- Listing is keyset pagination by id: items and orders by their primary keys,
-- a user's orders by orders_user_id_id_idx (user_id, id) from 0001.
