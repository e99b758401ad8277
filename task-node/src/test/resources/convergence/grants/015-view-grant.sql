-- SELECT on a view only.
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), secret text);
CREATE VIEW public_items AS SELECT id, name FROM items;
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), secret text);
CREATE VIEW public_items AS SELECT id, name FROM items;
GRANT SELECT ON public_items TO tncor_reader;
