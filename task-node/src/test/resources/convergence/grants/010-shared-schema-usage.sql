-- USAGE on the shared schema and SELECT on a shared table.
-- shared before
CREATE TABLE plans (code text PRIMARY KEY);
-- shared after
CREATE TABLE plans (code text PRIMARY KEY);
GRANT USAGE ON SCHEMA {schema} TO tncor_reader;
GRANT SELECT ON plans TO tncor_reader;
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), secret text);
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), secret text);
