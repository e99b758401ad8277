-- A SQL-standard function taking a table's row type reads a column that changes type; another table column is added.
-- before
CREATE TABLE tasks (id bigint PRIMARY KEY, title varchar(50) NOT NULL, points integer);
CREATE FUNCTION label(t tasks) RETURNS text LANGUAGE sql IMMUTABLE RETURN t.title || ' (' || t.points || ')';
-- after
CREATE TABLE tasks (id bigint PRIMARY KEY, title text NOT NULL, points numeric(6,2), note text);
CREATE FUNCTION label(t tasks) RETURNS text LANGUAGE sql IMMUTABLE RETURN t.title || ' (' || t.points || ')';
