-- OUT parameters.
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
CREATE FUNCTION price_range(OUT lo numeric, OUT hi numeric) LANGUAGE sql STABLE AS $$ SELECT min(price), max(price) FROM items $$;
