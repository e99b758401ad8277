-- A domain with a collation.
-- before

-- after
CREATE DOMAIN tag AS text COLLATE "C" CHECK (VALUE <> '');
