-- A hand-made serial: sequence, default and OWNED BY.
-- before
CREATE TABLE docs (id integer PRIMARY KEY, n integer);
-- after
CREATE SEQUENCE docs_n_seq AS integer;
CREATE TABLE docs (id integer PRIMARY KEY, n integer NOT NULL DEFAULT nextval('docs_n_seq'));
ALTER SEQUENCE docs_n_seq OWNED BY docs.n;
