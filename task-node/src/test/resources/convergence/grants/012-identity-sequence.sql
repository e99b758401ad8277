-- USAGE on an identity column's sequence.
-- before
CREATE TABLE items (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL, price numeric(10,2), secret text);
-- after
CREATE TABLE items (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL, price numeric(10,2), secret text);
GRANT INSERT ON items TO tncor_app;
GRANT USAGE ON SEQUENCE items_id_seq TO tncor_app;
