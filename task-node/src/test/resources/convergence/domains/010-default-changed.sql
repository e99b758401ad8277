-- A domain default changes.
-- before
CREATE DOMAIN code AS text DEFAULT 'A';
-- after
CREATE DOMAIN code AS text DEFAULT 'B';
