-- A domain becomes NOT NULL.
-- before
CREATE DOMAIN code AS text;
-- after
CREATE DOMAIN code AS text NOT NULL;
