-- A sequence comment.
-- expect: safe
-- before
CREATE TABLE docs (id integer PRIMARY KEY, title text, CONSTRAINT docs_title_check CHECK (title <> ''));
CREATE INDEX docs_title_idx ON docs (title);
CREATE SEQUENCE doc_no;
-- after
CREATE TABLE docs (id integer PRIMARY KEY, title text, CONSTRAINT docs_title_check CHECK (title <> ''));
CREATE INDEX docs_title_idx ON docs (title);
CREATE SEQUENCE doc_no;
COMMENT ON SEQUENCE doc_no IS 'numbers for documents';
