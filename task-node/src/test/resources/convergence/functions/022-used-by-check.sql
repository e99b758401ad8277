-- A check constraint calls a function the model adds.
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
-- after
CREATE FUNCTION valid_name(n text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT length(n) BETWEEN 1 AND 100 $$;
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz, CONSTRAINT items_name_ok CHECK (valid_name(name)));
