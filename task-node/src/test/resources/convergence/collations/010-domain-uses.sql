-- A domain with a model collation.
-- before
CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
-- after
CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE DOMAIN ci_text AS text COLLATE ci;
