-- A policy comment.
-- before
CREATE TABLE docs (id integer PRIMARY KEY, title text, CONSTRAINT docs_title_check CHECK (title <> ''));
CREATE INDEX docs_title_idx ON docs (title);
ALTER TABLE docs ENABLE ROW LEVEL SECURITY;
CREATE POLICY docs_all ON docs USING (true);
-- after
CREATE TABLE docs (id integer PRIMARY KEY, title text, CONSTRAINT docs_title_check CHECK (title <> ''));
CREATE INDEX docs_title_idx ON docs (title);
ALTER TABLE docs ENABLE ROW LEVEL SECURITY;
CREATE POLICY docs_all ON docs USING (true);
COMMENT ON POLICY docs_all ON docs IS 'open for now';
