-- COST, ROWS and PARALLEL SAFE.
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
CREATE FUNCTION ids() RETURNS SETOF integer LANGUAGE sql STABLE PARALLEL SAFE COST 5 ROWS 50 AS $$ SELECT id FROM items $$;
