-- A column uses a collation the same plan creates.
-- before
CREATE TABLE tags (id integer PRIMARY KEY, name text);
-- after
CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE TABLE tags (id integer PRIMARY KEY, name text COLLATE ci);
