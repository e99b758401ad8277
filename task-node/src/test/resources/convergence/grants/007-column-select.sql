-- Column-level SELECT.
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), secret text);
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), secret text);
GRANT SELECT (id, name, price) ON items TO tncor_reader;
