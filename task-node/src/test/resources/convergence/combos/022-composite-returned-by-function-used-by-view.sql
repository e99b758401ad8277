-- A composite type, a function returning it, and a view calling the function.
-- before
CREATE TABLE t (id integer PRIMARY KEY, a integer, b integer);
-- after
CREATE TABLE t (id integer PRIMARY KEY, a integer, b integer);
CREATE TYPE pair AS (x integer, y integer);
CREATE FUNCTION mk(a integer, b integer) RETURNS pair LANGUAGE sql IMMUTABLE AS $$ SELECT ROW(a, b)::pair $$;
CREATE VIEW pairs AS SELECT id, (mk(a, b)).x AS x FROM t;
