-- A project column uses a collation of the shared schema.
-- shared
CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
-- before
CREATE TABLE tags (id integer PRIMARY KEY, name text);
-- after
CREATE TABLE tags (id integer PRIMARY KEY, name text COLLATE {shared}.ci);
