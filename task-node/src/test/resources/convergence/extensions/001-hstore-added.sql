-- An extension and a column of its type.
-- before
CREATE TABLE docs (id integer PRIMARY KEY, body text);
-- after
CREATE EXTENSION IF NOT EXISTS hstore WITH SCHEMA public;
CREATE TABLE docs (id integer PRIMARY KEY, body text, attrs public.hstore);
