-- A text column becomes an enum column.
-- before
CREATE TABLE people (id integer PRIMARY KEY, m text);
-- data
INSERT INTO people VALUES (1, 'ok');
-- after
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');CREATE TABLE people (id integer PRIMARY KEY, m mood);
