-- A column moves from one model collation to another.
-- before
CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);CREATE COLLATION de (provider = icu, locale = 'de-DE');
CREATE TABLE tags (id integer PRIMARY KEY, name text COLLATE ci);
-- after
CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);CREATE COLLATION de (provider = icu, locale = 'de-DE');
CREATE TABLE tags (id integer PRIMARY KEY, name text COLLATE de);
