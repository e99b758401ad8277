-- A project column of a domain from the shared schema.
-- shared
CREATE DOMAIN email AS text CHECK (VALUE ~ '^[^@]+@[^@]+$');
-- before
CREATE TABLE people (id integer PRIMARY KEY);
-- after
CREATE TABLE people (id integer PRIMARY KEY, mail {shared}.email);
