-- A policy with an IN list over a varchar column.
-- before
CREATE TABLE items (id integer PRIMARY KEY, name varchar(50) NOT NULL, price numeric(10,2), updated_at timestamptz);
ALTER TABLE items ENABLE ROW LEVEL SECURITY;
-- after
CREATE TABLE items (id integer PRIMARY KEY, name varchar(50) NOT NULL, price numeric(10,2), updated_at timestamptz);
ALTER TABLE items ENABLE ROW LEVEL SECURITY;
CREATE POLICY items_vis ON items USING (name IN ('a', 'b'));
