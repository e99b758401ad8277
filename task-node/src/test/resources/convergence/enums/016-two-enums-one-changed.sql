-- Of two enums, one gains a value.
-- expect: safe
-- before
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');CREATE TYPE color AS ENUM ('red', 'green');CREATE TABLE people (id integer PRIMARY KEY, m mood, c color);
-- after
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');CREATE TYPE color AS ENUM ('red', 'green', 'blue');CREATE TABLE people (id integer PRIMARY KEY, m mood, c color);
