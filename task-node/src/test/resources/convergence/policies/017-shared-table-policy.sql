-- A policy on a shared table.
-- shared before
CREATE TABLE users (id bigint PRIMARY KEY, tenant text);
-- shared after
CREATE TABLE users (id bigint PRIMARY KEY, tenant text);
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
CREATE POLICY users_tenant ON users USING (tenant = current_user);
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
