-- A text column becomes of a domain type.
-- before
CREATE TABLE people (id integer PRIMARY KEY, mail text);
-- data
INSERT INTO people VALUES (1, 'a@b');
-- after
CREATE DOMAIN email AS text CHECK (VALUE ~ '^[^@]+@[^@]+$');
CREATE TABLE people (id integer PRIMARY KEY, mail email);
