-- A domain the model no longer has (the column becomes text).
-- before
CREATE DOMAIN email AS text CHECK (VALUE ~ '^[^@]+@[^@]+$');
CREATE TABLE people (id integer PRIMARY KEY, mail email);
-- after
CREATE TABLE people (id integer PRIMARY KEY, mail text);
