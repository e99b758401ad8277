-- A procedure in the shared schema.
-- shared before
CREATE TABLE users (id bigint PRIMARY KEY);
-- shared after
CREATE TABLE users (id bigint PRIMARY KEY);
CREATE PROCEDURE purge_users() LANGUAGE sql AS $$ DELETE FROM users WHERE id < 0 $$;
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
