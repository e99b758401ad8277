-- A function whose body reads a table the same plan creates.
-- before

-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
CREATE FUNCTION named(i integer) RETURNS text LANGUAGE sql STABLE BEGIN ATOMIC SELECT name FROM items WHERE id = i; END;
