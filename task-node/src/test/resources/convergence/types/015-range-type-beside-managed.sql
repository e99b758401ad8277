-- A range type among managed statements: the whole model is refused at start-up, the live schema stays as it is.
-- refused: project/10-case.sql:2: range type is not managed by the schema engine (yet)
-- before
CREATE TABLE slots (id integer PRIMARY KEY);
-- after
CREATE TABLE slots (id integer PRIMARY KEY, starts timestamptz);
CREATE TYPE timerange AS RANGE (subtype = time);
