-- A column default takes nextval of a new sequence.
-- before
CREATE TABLE docs (id integer PRIMARY KEY, n integer);
-- after
CREATE SEQUENCE doc_no;
CREATE TABLE docs (id integer PRIMARY KEY, n integer DEFAULT nextval('doc_no'));
