-- Comments on a table and its columns created in the same plan.
-- expect: safe
-- before

-- after
CREATE TABLE docs (id integer PRIMARY KEY, title text, CONSTRAINT docs_title_check CHECK (title <> ''));
CREATE INDEX docs_title_idx ON docs (title);
COMMENT ON TABLE docs IS 'documents';
COMMENT ON COLUMN docs.id IS 'key';
COMMENT ON COLUMN docs.title IS 'title';
