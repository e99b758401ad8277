-- An enum type the model no longer has, with its column.
-- expect: destructive
-- before
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');CREATE TABLE people (id integer PRIMARY KEY, m mood);
-- data
INSERT INTO people VALUES (1, 'ok');
-- after
CREATE TABLE people (id integer PRIMARY KEY);
