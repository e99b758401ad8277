-- ltree paths with a GiST index.
-- before
CREATE TABLE docs (id integer PRIMARY KEY, body text);
-- after
CREATE EXTENSION IF NOT EXISTS ltree WITH SCHEMA public;
CREATE TABLE docs (id integer PRIMARY KEY, body text, path public.ltree);
CREATE INDEX docs_path_gist ON docs USING gist (path);
