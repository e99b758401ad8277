-- Two tables go, the one they referenced stays.
-- expect: destructive
-- before
CREATE TABLE a (id integer PRIMARY KEY);
CREATE TABLE b (id integer PRIMARY KEY, a_id integer REFERENCES a (id));
CREATE TABLE c (id integer PRIMARY KEY, b_id integer REFERENCES b (id));
-- after
CREATE TABLE a (id integer PRIMARY KEY);
