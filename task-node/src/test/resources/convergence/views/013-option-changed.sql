-- security_invoker is added to a view.
-- before
CREATE TABLE orders (id integer PRIMARY KEY, customer text NOT NULL, total numeric(10,2), placed timestamptz DEFAULT now(), state text);
CREATE VIEW open_orders AS SELECT id, customer, total FROM orders WHERE state = 'open';
-- data
INSERT INTO orders VALUES (1, 'c', 10, now(), 'open');
-- after
CREATE TABLE orders (id integer PRIMARY KEY, customer text NOT NULL, total numeric(10,2), placed timestamptz DEFAULT now(), state text);
CREATE VIEW open_orders WITH (security_invoker = true) AS SELECT id, customer, total FROM orders WHERE state = 'open';
