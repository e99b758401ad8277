-- A table the before state lacks.
-- expect: safe
-- before
CREATE TABLE items (id integer PRIMARY KEY);
-- after
CREATE TABLE items (id integer PRIMARY KEY);
CREATE TABLE notes (id bigint PRIMARY KEY, body text NOT NULL);
