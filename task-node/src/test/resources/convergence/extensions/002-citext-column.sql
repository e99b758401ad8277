-- citext for a case-insensitive email column.
-- before
CREATE TABLE docs (id integer PRIMARY KEY, body text);
-- after
CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;
CREATE TABLE docs (id integer PRIMARY KEY, body text, email public.citext UNIQUE);
