-- RETURNS TABLE with an explicit column list reading a table whose unread column is retyped and a read one dropped.
-- before
CREATE TABLE tasks (id bigint PRIMARY KEY, title text NOT NULL, note varchar(10), legacy text);
CREATE FUNCTION titles() RETURNS TABLE (id bigint, title text) LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT id, title || coalesce(legacy, '') FROM tasks;
END;
-- after
-- expect: destructive,safe
CREATE TABLE tasks (id bigint PRIMARY KEY, title text NOT NULL, note text);
CREATE FUNCTION titles() RETURNS TABLE (id bigint, title text) LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT id, title FROM tasks;
END;
