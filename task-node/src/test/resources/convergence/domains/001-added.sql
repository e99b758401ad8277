-- A domain and a column of it.
-- expect: safe
-- before

-- after
CREATE DOMAIN email AS text CHECK (VALUE ~ '^[^@]+@[^@]+$');
CREATE TABLE people (id integer PRIMARY KEY, mail email);
