-- A value is removed from a type a view reads.
-- before
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');CREATE TABLE people (id integer PRIMARY KEY, m mood);
CREATE VIEW happy_people AS SELECT id FROM people WHERE m = 'ok';
-- data
INSERT INTO people VALUES (1, 'ok');
-- after
CREATE TYPE mood AS ENUM ('sad', 'ok');CREATE TABLE people (id integer PRIMARY KEY, m mood);
CREATE VIEW happy_people AS SELECT id FROM people WHERE m = 'ok';
