-- The demo data set of the original example, loaded once on the first run
-- (the misspelt "gamil.com" is the original's and kept on purpose).
INSERT INTO users (id, first_name, last_name, email) VALUES
  (1, 'Petar', 'Petrovic', 'petar.petrovic@gmail.com'),
  (2, 'Jovan', 'Jovanovic', 'jovan.jovanovic@gmail.com'),
  (3, 'Jovica', 'Jovic', 'jovica.jovic@gamil.com');

-- Explicit ids above leave the identity sequence behind; move it past the data.
SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT max(id) FROM users));
