-- WITH GRANT OPTION goes away.
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), secret text);
GRANT SELECT ON items TO tncor_admin WITH GRANT OPTION;
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), secret text);
GRANT SELECT ON items TO tncor_admin;
