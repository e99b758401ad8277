-- A comment on the shared schema.
-- shared before
CREATE TABLE users (id bigint PRIMARY KEY);
-- shared after
CREATE TABLE users (id bigint PRIMARY KEY);
COMMENT ON SCHEMA {schema} IS 'platform-wide tables';
-- before
CREATE TABLE docs (id integer PRIMARY KEY, title text, CONSTRAINT docs_title_check CHECK (title <> ''));
CREATE INDEX docs_title_idx ON docs (title);
-- after
CREATE TABLE docs (id integer PRIMARY KEY, title text, CONSTRAINT docs_title_check CHECK (title <> ''));
CREATE INDEX docs_title_idx ON docs (title);
