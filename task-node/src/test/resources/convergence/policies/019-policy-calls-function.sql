-- A policy calls a function the model adds.
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
ALTER TABLE items ENABLE ROW LEVEL SECURITY;
-- after
CREATE FUNCTION can_see(p numeric) RETURNS boolean LANGUAGE sql STABLE AS $$ SELECT p IS NOT NULL $$;
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
ALTER TABLE items ENABLE ROW LEVEL SECURITY;
CREATE POLICY items_fn ON items USING (can_see(price));
