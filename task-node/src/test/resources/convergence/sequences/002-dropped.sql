-- A sequence the model no longer has.
-- expect: destructive
-- before
CREATE TABLE docs (id integer PRIMARY KEY, n integer);
CREATE SEQUENCE doc_numbers;
-- after
CREATE TABLE docs (id integer PRIMARY KEY, n integer);
