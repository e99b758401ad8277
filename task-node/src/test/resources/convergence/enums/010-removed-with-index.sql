-- A value is removed from a type with a partial index on it.
-- before
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');CREATE TABLE people (id integer PRIMARY KEY, m mood);
CREATE INDEX people_ok_idx ON people (id) WHERE m = 'ok';
-- data
INSERT INTO people VALUES (1, 'ok');
-- after
CREATE TYPE mood AS ENUM ('sad', 'ok');CREATE TABLE people (id integer PRIMARY KEY, m mood);
CREATE INDEX people_ok_idx ON people (id) WHERE m = 'ok';
