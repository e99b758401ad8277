-- A new unlogged table.
-- expect: safe
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL);
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL);
CREATE UNLOGGED TABLE cache_entries (k text PRIMARY KEY, v jsonb, expires timestamptz);
