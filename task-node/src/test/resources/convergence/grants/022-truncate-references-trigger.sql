-- TRUNCATE, REFERENCES and TRIGGER privileges.
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), secret text);
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), secret text);
GRANT TRUNCATE, REFERENCES, TRIGGER ON items TO tncor_admin;
