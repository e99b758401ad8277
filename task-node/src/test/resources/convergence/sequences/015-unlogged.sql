-- An unlogged sequence.
-- before
CREATE TABLE docs (id integer PRIMARY KEY, n integer);
-- after
CREATE TABLE docs (id integer PRIMARY KEY, n integer);
CREATE UNLOGGED SEQUENCE scratch_ids;
