-- The tenant guard: a policy over current_setting.
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), owner_id bigint);
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), owner_id bigint);
ALTER TABLE items ENABLE ROW LEVEL SECURITY;
ALTER TABLE items FORCE ROW LEVEL SECURITY;
CREATE POLICY items_owner ON items USING (owner_id = current_setting('app.user_id')::bigint) WITH CHECK (owner_id = current_setting('app.user_id')::bigint);
