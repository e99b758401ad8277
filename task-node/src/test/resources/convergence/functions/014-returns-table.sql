-- RETURNS TABLE.
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
CREATE FUNCTION cheap(max_price numeric) RETURNS TABLE (id integer, name text) LANGUAGE sql STABLE AS $$ SELECT id, name FROM items WHERE price <= max_price $$;
