-- COMMENT IS '' removes a comment (PostgreSQL stores none).
-- before
CREATE TABLE docs (id integer PRIMARY KEY, title text, CONSTRAINT docs_title_check CHECK (title <> ''));
CREATE INDEX docs_title_idx ON docs (title);
COMMENT ON TABLE docs IS 'old';
-- after
CREATE TABLE docs (id integer PRIMARY KEY, title text, CONSTRAINT docs_title_check CHECK (title <> ''));
CREATE INDEX docs_title_idx ON docs (title);
COMMENT ON TABLE docs IS '';
