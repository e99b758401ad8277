-- A sequence goes together with the default that used it.
-- expect: safe,destructive
-- before
CREATE SEQUENCE doc_no;
CREATE TABLE docs (id integer PRIMARY KEY, n integer DEFAULT nextval('doc_no'));
-- after
CREATE TABLE docs (id integer PRIMARY KEY, n integer);
