-- The bottom of a chain of three views changes.
-- before
CREATE TABLE orders (id integer PRIMARY KEY, customer text NOT NULL, total numeric(10,2), placed timestamptz DEFAULT now(), state text);
CREATE VIEW v1 AS SELECT id, total FROM orders;
CREATE VIEW v2 AS SELECT id, total FROM v1;
CREATE VIEW v3 AS SELECT id FROM v2;
-- data
INSERT INTO orders VALUES (1, 'c', 10, now(), 'open');
-- after
CREATE TABLE orders (id integer PRIMARY KEY, customer text NOT NULL, total numeric(10,2), placed timestamptz DEFAULT now(), state text);
CREATE VIEW v1 AS SELECT id, total, state FROM orders;
CREATE VIEW v2 AS SELECT id, total FROM v1;
CREATE VIEW v3 AS SELECT id FROM v2;
