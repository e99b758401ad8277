-- A value is removed from a type used with a default.
-- expect: destructive
-- before
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');CREATE TABLE people (id integer PRIMARY KEY, m mood DEFAULT 'ok');
-- data
INSERT INTO people VALUES (1, 'ok');
-- after
CREATE TYPE mood AS ENUM ('sad', 'ok');CREATE TABLE people (id integer PRIMARY KEY, m mood DEFAULT 'ok');
