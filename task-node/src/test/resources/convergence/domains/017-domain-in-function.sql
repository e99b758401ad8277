-- A function takes a domain argument.
-- before
CREATE DOMAIN email AS text CHECK (VALUE ~ '^[^@]+@[^@]+$');
-- after
CREATE DOMAIN email AS text CHECK (VALUE ~ '^[^@]+@[^@]+$');
CREATE FUNCTION domain_part(e email) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT split_part(e, '@', 2) $$;
