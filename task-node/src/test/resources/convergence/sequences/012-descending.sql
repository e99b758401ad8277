-- A descending sequence.
-- before
CREATE TABLE docs (id integer PRIMARY KEY, n integer);
-- after
CREATE TABLE docs (id integer PRIMARY KEY, n integer);
CREATE SEQUENCE countdown INCREMENT BY -1 START WITH 0 MINVALUE -1000 MAXVALUE 0;
