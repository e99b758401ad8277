-- A materialized view comment.
-- before
CREATE TABLE docs (id integer PRIMARY KEY, title text, CONSTRAINT docs_title_check CHECK (title <> ''));
CREATE INDEX docs_title_idx ON docs (title);
CREATE MATERIALIZED VIEW doc_count AS SELECT count(*) AS n FROM docs;
-- after
CREATE TABLE docs (id integer PRIMARY KEY, title text, CONSTRAINT docs_title_check CHECK (title <> ''));
CREATE INDEX docs_title_idx ON docs (title);
CREATE MATERIALIZED VIEW doc_count AS SELECT count(*) AS n FROM docs;
COMMENT ON MATERIALIZED VIEW doc_count IS 'refreshed nightly';
