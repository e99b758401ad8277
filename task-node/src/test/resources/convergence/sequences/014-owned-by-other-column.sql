-- OWNED BY moves to another column.
-- before
CREATE TABLE docs (id integer PRIMARY KEY, n integer, m integer);
CREATE SEQUENCE s OWNED BY docs.n;
-- after
CREATE TABLE docs (id integer PRIMARY KEY, n integer, m integer);
CREATE SEQUENCE s OWNED BY docs.m;
