-- An intarray operator in a view.
-- before
CREATE TABLE docs (id integer PRIMARY KEY, tags integer[]);
-- after
CREATE EXTENSION IF NOT EXISTS intarray WITH SCHEMA public;
CREATE TABLE docs (id integer PRIMARY KEY, tags integer[]);
CREATE VIEW tagged AS SELECT id, public.icount(tags) AS n FROM docs;
