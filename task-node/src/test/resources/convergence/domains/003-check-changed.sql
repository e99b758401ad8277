-- A domain check changes.
-- before
CREATE DOMAIN email AS text CHECK (VALUE ~ '^[^@]+@[^@]+$');
CREATE TABLE people (id integer PRIMARY KEY, mail email);
-- after
CREATE DOMAIN email AS text CHECK (VALUE ~ '^[^@]+@[^@]+\.[^@]+$');
CREATE TABLE people (id integer PRIMARY KEY, mail email);
