-- A collation, a domain using it, and a table column of the domain — all new.
-- before

-- after
CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE DOMAIN ci_text AS text COLLATE ci;
CREATE TABLE tags (id integer PRIMARY KEY, name ci_text UNIQUE);
