-- Grants on a view that must be re-created.
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), secret text);
CREATE VIEW v AS SELECT id, name, price FROM items;
GRANT SELECT ON v TO tncor_reader;
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), secret text);
CREATE VIEW v AS SELECT id, price FROM items;
GRANT SELECT ON v TO tncor_reader;
