-- CreateOrder counts a user's placed orders against MAX_PLACED_ORDERS_PER_USER in every
-- insert: an index of placed orders alone keeps that count off the cancelled ones' rows.
CREATE INDEX orders_placed_by_user ON orders (user_id) WHERE status = 'placed';
