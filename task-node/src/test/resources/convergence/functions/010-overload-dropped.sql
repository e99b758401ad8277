-- One of two overloads goes away.
-- expect: destructive
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
CREATE FUNCTION add_tax(p numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT p * 1.19 $$;
CREATE FUNCTION add_tax(p numeric, rate numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT p * (1 + rate) $$;
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
CREATE FUNCTION add_tax(p numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT p * 1.19 $$;
