-- A value is appended.
-- expect: safe
-- before
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');CREATE TABLE people (id integer PRIMARY KEY, m mood);
-- data
INSERT INTO people VALUES (1, 'ok');
-- after
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy', 'ecstatic');CREATE TABLE people (id integer PRIMARY KEY, m mood);
