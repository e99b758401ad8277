-- INCREMENT and CACHE change.
-- expect: safe
-- before
CREATE TABLE docs (id integer PRIMARY KEY, n integer);
CREATE SEQUENCE doc_numbers;
-- after
CREATE TABLE docs (id integer PRIMARY KEY, n integer);
CREATE SEQUENCE doc_numbers INCREMENT BY 5 CACHE 20;
