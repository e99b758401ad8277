-- A VARIADIC function.
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
CREATE FUNCTION total(VARIADIC xs numeric[]) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT sum(x) FROM unnest(xs) x $$;
