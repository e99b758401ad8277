-- START changes (the current value is data).
-- before
CREATE TABLE docs (id integer PRIMARY KEY, n integer);
CREATE SEQUENCE s START 1;
-- after
CREATE TABLE docs (id integer PRIMARY KEY, n integer);
CREATE SEQUENCE s START 500;
