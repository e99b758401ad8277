-- USAGE on a sequence.
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), secret text);
CREATE SEQUENCE item_no;
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), secret text);
CREATE SEQUENCE item_no;
GRANT USAGE, SELECT ON SEQUENCE item_no TO tncor_app;
