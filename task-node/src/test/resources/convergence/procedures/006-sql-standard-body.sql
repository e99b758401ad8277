-- A procedure with BEGIN ATOMIC.
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
CREATE PROCEDURE reprice(f numeric) LANGUAGE sql BEGIN ATOMIC UPDATE items SET price = price * f; END;
