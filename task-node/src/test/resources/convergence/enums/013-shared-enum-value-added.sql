-- The shared enum a project uses gains a value.
-- shared before
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
-- shared after
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy', 'bored');
-- before
CREATE TABLE people (id integer PRIMARY KEY, m {shared}.mood);
-- after
CREATE TABLE people (id integer PRIMARY KEY, m {shared}.mood);
