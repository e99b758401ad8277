-- An ICU collation is created by the model.
-- before
CREATE TABLE tags (id integer PRIMARY KEY, name text);
-- after
CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE TABLE tags (id integer PRIMARY KEY, name text);
