-- A policy whose USING reads a shared table.
-- shared
CREATE TABLE orgs (id integer PRIMARY KEY, active boolean NOT NULL DEFAULT true);
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), org_id integer);
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), org_id integer);
ALTER TABLE items ENABLE ROW LEVEL SECURITY;
CREATE POLICY items_org ON items USING (org_id IN (SELECT id FROM {shared}.orgs WHERE active));
