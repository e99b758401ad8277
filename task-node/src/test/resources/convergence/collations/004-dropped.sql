-- A collation the model no longer has.
-- before
CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE TABLE tags (id integer PRIMARY KEY, name text);
-- after
CREATE TABLE tags (id integer PRIMARY KEY, name text);
