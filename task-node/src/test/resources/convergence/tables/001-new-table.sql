-- A table the before state lacks.
-- expect: safe
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL);
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE notes (id bigint PRIMARY KEY, body text NOT NULL);
