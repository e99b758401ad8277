-- A column of an enum array.
-- before
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');CREATE TABLE people (id integer PRIMARY KEY, m mood);
-- data
INSERT INTO people VALUES (1, 'ok');
-- after
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');CREATE TABLE people (id integer PRIMARY KEY, m mood, past mood[] NOT NULL DEFAULT '{}');
