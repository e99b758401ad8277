-- A view calls a function that reads another view whose table column changes.
-- before
CREATE TABLE t (id integer PRIMARY KEY, v integer);
CREATE VIEW t1 AS SELECT id, v FROM t;
CREATE FUNCTION total() RETURNS bigint LANGUAGE sql STABLE BEGIN ATOMIC SELECT sum(v) FROM t1; END;
CREATE VIEW t2 AS SELECT total() AS total;
-- after
CREATE TABLE t (id integer PRIMARY KEY, v bigint);
CREATE VIEW t1 AS SELECT id, v FROM t;
CREATE FUNCTION total() RETURNS numeric LANGUAGE sql STABLE BEGIN ATOMIC SELECT sum(v) FROM t1; END;
CREATE VIEW t2 AS SELECT total() AS total;
