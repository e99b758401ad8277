-- A view with a CTE and a window function.
-- before
CREATE TABLE orders (id integer PRIMARY KEY, customer text NOT NULL, total numeric(10,2), placed timestamptz DEFAULT now(), state text);
-- data
INSERT INTO orders VALUES (1, 'c', 10, now(), 'open');
-- after
CREATE TABLE orders (id integer PRIMARY KEY, customer text NOT NULL, total numeric(10,2), placed timestamptz DEFAULT now(), state text);
CREATE VIEW ranked AS WITH x AS (SELECT id, customer, total FROM orders) SELECT id, customer, rank() OVER (PARTITION BY customer ORDER BY total DESC) AS r FROM x;
