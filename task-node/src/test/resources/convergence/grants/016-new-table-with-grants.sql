-- A new table with its grants.
-- expect: safe
-- before

-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), secret text);
GRANT SELECT, INSERT, UPDATE, DELETE ON items TO tncor_app;
GRANT SELECT ON items TO tncor_reader;
