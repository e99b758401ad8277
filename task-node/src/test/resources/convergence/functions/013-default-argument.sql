-- An argument gets a default.
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
CREATE FUNCTION greet(who text DEFAULT 'world') RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'hello ' || who $$;
