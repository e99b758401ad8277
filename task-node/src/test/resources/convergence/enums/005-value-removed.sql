-- A value is removed (the type is re-created).
-- expect: destructive
-- before
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');CREATE TABLE people (id integer PRIMARY KEY, m mood);
-- data
INSERT INTO people VALUES (1, 'ok');
-- after
CREATE TYPE mood AS ENUM ('sad', 'ok');CREATE TABLE people (id integer PRIMARY KEY, m mood);
