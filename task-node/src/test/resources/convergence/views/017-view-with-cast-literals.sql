-- A view with casts, CASE and literals.
-- before
CREATE TABLE orders (id integer PRIMARY KEY, customer text NOT NULL, total numeric(10,2), placed timestamptz DEFAULT now(), state text);
-- data
INSERT INTO orders VALUES (1, 'c', 10, now(), 'open');
-- after
CREATE TABLE orders (id integer PRIMARY KEY, customer text NOT NULL, total numeric(10,2), placed timestamptz DEFAULT now(), state text);
CREATE VIEW labels AS SELECT id, CASE WHEN total > 100 THEN 'big'::text ELSE 'small' END AS size, total::integer AS rounded, '2024-01-01'::date AS since FROM orders;
