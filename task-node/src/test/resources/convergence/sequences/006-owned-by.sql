-- A sequence becomes OWNED BY a column.
-- expect: safe
-- before
CREATE TABLE docs (id integer PRIMARY KEY, n integer);
CREATE SEQUENCE docs_n_seq;
-- after
CREATE TABLE docs (id integer PRIMARY KEY, n integer);
CREATE SEQUENCE docs_n_seq OWNED BY docs.n;
