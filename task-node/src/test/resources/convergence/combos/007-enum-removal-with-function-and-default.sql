-- An enum value goes from a type used by a column default, a function and a view.
-- before
CREATE TYPE st AS ENUM ('open', 'done', 'void');
CREATE TABLE t (id integer PRIMARY KEY, s st NOT NULL DEFAULT 'open');
CREATE FUNCTION is_done(x st) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT x = 'done' $$;
CREATE VIEW done_t AS SELECT id FROM t WHERE is_done(s);
-- data
INSERT INTO t VALUES (1, 'done');
-- after
CREATE TYPE st AS ENUM ('open', 'done');
CREATE TABLE t (id integer PRIMARY KEY, s st NOT NULL DEFAULT 'open');
CREATE FUNCTION is_done(x st) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT x = 'done' $$;
CREATE VIEW done_t AS SELECT id FROM t WHERE is_done(s);
