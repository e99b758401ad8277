-- A function of one name becomes a procedure.
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
CREATE FUNCTION cleanup() RETURNS void LANGUAGE sql AS $$ DELETE FROM items WHERE price IS NULL $$;
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
CREATE PROCEDURE cleanup() LANGUAGE sql AS $$ DELETE FROM items WHERE price IS NULL $$;
