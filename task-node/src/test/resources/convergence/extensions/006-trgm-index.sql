-- pg_trgm and a trigram index.
-- before
CREATE TABLE docs (id integer PRIMARY KEY, body text);
-- after
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
CREATE TABLE docs (id integer PRIMARY KEY, body text);
CREATE INDEX docs_body_trgm ON docs USING gist (body public.gist_trgm_ops);
