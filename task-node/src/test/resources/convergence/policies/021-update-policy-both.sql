-- An UPDATE policy with USING and WITH CHECK that differ.
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
ALTER TABLE items ENABLE ROW LEVEL SECURITY;
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
ALTER TABLE items ENABLE ROW LEVEL SECURITY;
CREATE POLICY items_upd ON items FOR UPDATE USING (price IS NOT NULL) WITH CHECK (price > 0);
