-- A project column of an enum type from the shared schema.
-- shared
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
-- before
CREATE TABLE docs (id integer PRIMARY KEY, n integer);
-- after
CREATE TABLE docs (id integer PRIMARY KEY, n integer);
CREATE TABLE people (id integer PRIMARY KEY, m {shared}.mood);
