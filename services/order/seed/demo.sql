-- The demo data set of the original example, loaded once on the first run.
INSERT INTO items (id, name) VALUES
  (1, 'pencil'),
  (2, 'book'),
  (3, 'magic stick'),
  (4, 'ball');

INSERT INTO orders (id, user_id, order_date, amount, item_id) VALUES
  (1, 1, '2023-05-01T00:00:00Z', 10, 1),
  (2, 1, '2023-05-02T00:00:00Z', 25, 2),
  (3, 1, '2023-05-03T00:00:00Z', 12, 3),
  (4, 2, '2023-05-04T00:00:00Z', 15, 2);

-- Explicit ids above leave the identity sequences behind; move them past the data.
SELECT setval(pg_get_serial_sequence('items', 'id'), (SELECT max(id) FROM items));
SELECT setval(pg_get_serial_sequence('orders', 'id'), (SELECT max(id) FROM orders));
