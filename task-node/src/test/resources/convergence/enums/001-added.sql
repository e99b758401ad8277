-- An enum type is added with a column of it.
-- expect: safe
-- before
CREATE TABLE docs (id integer PRIMARY KEY, n integer);
-- after
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE docs (id integer PRIMARY KEY, n integer);
CREATE TABLE people (id integer PRIMARY KEY, m mood);
