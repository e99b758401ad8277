-- PUBLIC gets SELECT on a table.
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), secret text);
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), secret text);
GRANT SELECT ON items TO PUBLIC;
