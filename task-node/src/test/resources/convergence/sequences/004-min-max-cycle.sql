-- MINVALUE, MAXVALUE and CYCLE.
-- before
CREATE TABLE docs (id integer PRIMARY KEY, n integer);
CREATE SEQUENCE ring;
-- after
CREATE TABLE docs (id integer PRIMARY KEY, n integer);
CREATE SEQUENCE ring MINVALUE 1 MAXVALUE 999 CYCLE;
