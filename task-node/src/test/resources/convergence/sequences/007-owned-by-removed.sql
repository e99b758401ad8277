-- OWNED BY goes away.
-- before
CREATE TABLE docs (id integer PRIMARY KEY, n integer);
CREATE SEQUENCE docs_n_seq OWNED BY docs.n;
-- after
CREATE TABLE docs (id integer PRIMARY KEY, n integer);
CREATE SEQUENCE docs_n_seq;
