-- A view with a join, aggregate and GROUP BY.
-- before
CREATE TABLE orders (id integer PRIMARY KEY, customer text NOT NULL, total numeric(10,2), placed timestamptz DEFAULT now(), state text);
CREATE TABLE lines (order_id integer REFERENCES orders (id), qty integer);
-- data
INSERT INTO orders VALUES (1, 'c', 10, now(), 'open');
-- after
CREATE TABLE orders (id integer PRIMARY KEY, customer text NOT NULL, total numeric(10,2), placed timestamptz DEFAULT now(), state text);
CREATE TABLE lines (order_id integer REFERENCES orders (id), qty integer);
CREATE VIEW order_qty AS SELECT o.id, o.customer, sum(l.qty) AS qty FROM orders o JOIN lines l ON l.order_id = o.id GROUP BY o.id, o.customer;
