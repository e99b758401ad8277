-- A domain gets a default.
-- before
CREATE DOMAIN code AS text;
-- after
CREATE DOMAIN code AS text DEFAULT 'NONE';
