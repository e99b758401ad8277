-- A body with a named dollar tag and an inner $$ string.
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
CREATE FUNCTION tagged() RETURNS text LANGUAGE plpgsql AS $fn$
BEGIN
  RETURN $$a;b$$ || ';';
END;
$fn$;
