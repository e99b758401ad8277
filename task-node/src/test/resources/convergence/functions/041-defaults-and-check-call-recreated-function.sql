-- Two tables' defaults and a check call a SQL-standard function whose parameter list changes: all are rebuilt around it.
-- before
CREATE FUNCTION clamp(v integer, hi integer DEFAULT 10) RETURNS integer LANGUAGE sql IMMUTABLE RETURN least(v, hi);
CREATE TABLE a (id integer PRIMARY KEY, n integer DEFAULT clamp(5));
CREATE TABLE b (id integer PRIMARY KEY, n integer DEFAULT clamp(3), CHECK (n = clamp(n)));
-- after
CREATE FUNCTION clamp(v integer, top integer DEFAULT 10) RETURNS integer LANGUAGE sql IMMUTABLE RETURN least(v, top);
CREATE TABLE a (id integer PRIMARY KEY, n integer DEFAULT clamp(5));
CREATE TABLE b (id integer PRIMARY KEY, n integer DEFAULT clamp(3), CHECK (n = clamp(n)));
