-- A policy whose WITH CHECK is a varchar IN-list, on a table that already has RLS and a permissive policy.
-- before
CREATE TABLE items (id integer PRIMARY KEY, kind varchar(10));
ALTER TABLE items ENABLE ROW LEVEL SECURITY;
CREATE POLICY items_all ON items USING (true);
-- after
CREATE TABLE items (id integer PRIMARY KEY, kind varchar(10));
ALTER TABLE items ENABLE ROW LEVEL SECURITY;
CREATE POLICY items_all ON items USING (true) WITH CHECK (kind IN ('a', 'b'));
