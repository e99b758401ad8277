-- A comment on the project schema.
-- expect: safe
-- before
CREATE TABLE docs (id integer PRIMARY KEY, title text, CONSTRAINT docs_title_check CHECK (title <> ''));
CREATE INDEX docs_title_idx ON docs (title);
-- after
CREATE TABLE docs (id integer PRIMARY KEY, title text, CONSTRAINT docs_title_check CHECK (title <> ''));
CREATE INDEX docs_title_idx ON docs (title);
COMMENT ON SCHEMA {schema} IS 'one project';
