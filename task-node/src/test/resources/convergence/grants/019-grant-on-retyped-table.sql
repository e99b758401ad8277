-- Grants stay on a table whose column changes type.
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), secret text);
GRANT SELECT ON items TO tncor_reader;
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(14,4), secret text);
GRANT SELECT ON items TO tncor_reader;
