-- A comment on a view column.
-- before
CREATE TABLE docs (id integer PRIMARY KEY, title text, CONSTRAINT docs_title_check CHECK (title <> ''));
CREATE INDEX docs_title_idx ON docs (title);
CREATE VIEW titles AS SELECT title FROM docs;
-- after
CREATE TABLE docs (id integer PRIMARY KEY, title text, CONSTRAINT docs_title_check CHECK (title <> ''));
CREATE INDEX docs_title_idx ON docs (title);
CREATE VIEW titles AS SELECT title FROM docs;
COMMENT ON COLUMN titles.title IS 'from docs';
