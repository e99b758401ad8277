-- A sequence is added.
-- expect: safe
-- before
CREATE TABLE docs (id integer PRIMARY KEY, n integer);
-- after
CREATE TABLE docs (id integer PRIMARY KEY, n integer);
CREATE SEQUENCE doc_numbers START 100;
