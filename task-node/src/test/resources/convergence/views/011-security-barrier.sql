-- A view WITH (security_barrier).
-- before
CREATE TABLE orders (id integer PRIMARY KEY, customer text NOT NULL, total numeric(10,2), placed timestamptz DEFAULT now(), state text);
-- data
INSERT INTO orders VALUES (1, 'c', 10, now(), 'open');
-- after
CREATE TABLE orders (id integer PRIMARY KEY, customer text NOT NULL, total numeric(10,2), placed timestamptz DEFAULT now(), state text);
CREATE VIEW mine WITH (security_barrier) AS SELECT id, total FROM orders WHERE customer = current_user;
