-- A value is renamed (removal and addition).
-- before
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');CREATE TABLE people (id integer PRIMARY KEY, m mood);
-- after
CREATE TYPE mood AS ENUM ('sad', 'fine', 'happy');CREATE TABLE people (id integer PRIMARY KEY, m mood);
