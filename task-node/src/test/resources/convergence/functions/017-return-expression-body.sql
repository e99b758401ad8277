-- RETURN expression body.
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
CREATE FUNCTION double_it(x integer) RETURNS integer LANGUAGE sql IMMUTABLE RETURN x * 2;
