-- A column default calls a function the model adds.
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
-- after
CREATE FUNCTION next_code() RETURNS text LANGUAGE sql VOLATILE AS $$ SELECT md5(random()::text) $$;
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL DEFAULT next_code(), price numeric(10,2), updated_at timestamptz);
