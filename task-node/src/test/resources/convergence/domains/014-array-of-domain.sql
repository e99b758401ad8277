-- A column that is an array of a domain.
-- before
CREATE DOMAIN email AS text CHECK (VALUE ~ '^[^@]+@[^@]+$');
CREATE TABLE people (id integer PRIMARY KEY, mail email);
-- after
CREATE DOMAIN email AS text CHECK (VALUE ~ '^[^@]+@[^@]+$');
CREATE TABLE people (id integer PRIMARY KEY, mail email, others email[]);
