-- An index with a model collation.
-- before
CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE TABLE tags (id integer PRIMARY KEY, name text);
-- after
CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE TABLE tags (id integer PRIMARY KEY, name text);
CREATE INDEX tags_name_ci ON tags (name COLLATE ci);
