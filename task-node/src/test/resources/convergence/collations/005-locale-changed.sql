-- A collation changes its locale (re-create).
-- before
CREATE COLLATION de (provider = icu, locale = 'de-DE');
CREATE TABLE tags (id integer PRIMARY KEY, name text);
-- after
CREATE COLLATION de (provider = icu, locale = 'de-AT');
CREATE TABLE tags (id integer PRIMARY KEY, name text);
