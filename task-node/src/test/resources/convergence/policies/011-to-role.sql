-- A policy for named roles.
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
ALTER TABLE items ENABLE ROW LEVEL SECURITY;
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
ALTER TABLE items ENABLE ROW LEVEL SECURITY;
CREATE POLICY items_app ON items FOR ALL TO tncor_app USING (true) WITH CHECK (true);
