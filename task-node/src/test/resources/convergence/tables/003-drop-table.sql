-- A table the model no longer has.
-- expect: destructive
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE legacy (x integer);
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL);
